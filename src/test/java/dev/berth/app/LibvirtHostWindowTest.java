package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.libvirt.LibvirtTestDomain;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.KnownHosts;
import dev.berth.vm.Run;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The app on a real libvirtd: the host the user added shows as connected with its domain, and the
 * power menu drives the domain through libvirt — the power button and force off from the menus, the
 * states on the badge, and the run on the timeline.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LibvirtHostWindowTest {
  private static final String NAME = "berth-test-app";
  private LibvirtTestDomain domain;

  @Start
  void start(Stage stage) throws Exception {
    domain = LibvirtTestDomain.define(NAME);
    BerthDirs dirs = AppDriver.freshDirs("lvapp");
    KnownHosts.load(dirs.config()).add(LibvirtTestDomain.URI);
    BerthApp.open(stage, BerthApp.Library.open(dirs));
  }

  @AfterEach
  void undefine() throws Exception {
    domain.close();
  }

  /** The host's VM, once the host has connected and listed it. */
  private VmViewModel hostVm(FxRobot robot) throws Exception {
    AppDriver.waitFor(
        30,
        () ->
            robot.lookup(".host-status").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals("Connected")));
    VmViewModel[] found = new VmViewModel[1];
    AppDriver.waitFor(
        30,
        () -> {
          for (ListView<?> list : robot.lookup(".vm-list").queryAllAs(ListView.class)) {
            for (Object o : list.getItems()) {
              if (o instanceof VmViewModel m && m.name().equals(NAME)) {
                found[0] = m;
                return true;
              }
            }
          }
          return false;
        });
    return found[0];
  }

  @Test
  void aLibvirtDomainPowersOffByTheButtonAndIsForcedOffFromTheMenu(FxRobot robot) throws Exception {
    VmViewModel vm = hostVm(robot);
    String cell = NAME + "  ·  libvirt";
    AppDriver.waitFor(10, () -> robot.lookup(cell).tryQuery().isPresent()); // laid out
    robot.clickOn(cell);
    assertEquals("Shut off", AppDriver.badge(robot).getText());
    // its group's list has the power menu on a right click, as this computer's has
    javafx.scene.control.ListView<?> group =
        (javafx.scene.control.ListView<?>)
            robot.lookup(".vm-list").queryAllAs(ListView.class).stream()
                .filter(l -> l.getItems().contains(vm))
                .findFirst()
                .orElseThrow();
    assertTrue(
        group.getContextMenu().getItems().stream()
            .anyMatch(i -> "Power _button (ACPI)".equals(i.getText())),
        "a right-click menu built from the action table");

    robot.clickOn("Start");
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Running"));
    // the boot's first lines may come before the console stream is open (QEMU drops pty output
    // with no reader): the agent answering says the guest is up, acpid included
    AppDriver.waitFor(60, () -> vm.agentProperty().get().startsWith("Guest agent answers"));
    robot.clickOn("Machine").clickOn("Power button (ACPI)");
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Guest powered off (guest-shutdown)", AppDriver.lastEnd(robot));

    robot.clickOn("Start");
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Running"));
    // the Machine menu's item (the toolbar has it in Shut down ▾ now, the offer bar a hidden one)
    AppDriver.fireMenuItem(robot, "_Force off");
    AppDriver.confirm(robot, dev.berth.vm.VmAction.FORCE_OFF, false); // a power cut asks first
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", AppDriver.lastEnd(robot));

    // the timeline draws both runs (the view model's), with QEMU's events through libvirt
    List<Run> runs = vm.runs();
    assertEquals(2, runs.size(), runs.toString());
    assertEquals(
        List.of("POWERDOWN", "SHUTDOWN"),
        runs.get(0).events().stream().map(e -> e.name()).toList());
    assertEquals("SHUTDOWN", runs.get(1).events().get(0).name());
    assertTrue(runs.get(1).end().words().contains("host-signal"), runs.get(1).end().words());
  }

  @Test
  void connectToHostChecksTheUriAndTheGroupFollowsTheHost(FxRobot robot) throws Exception {
    hostVm(robot); // the host from hosts.json is up
    robot.clickOn("VM").clickOn("Connect to host…");
    AppDriver.waitFor(5, () -> robot.lookup(".connect-form").tryQuery().isPresent());
    javafx.scene.control.TextField field =
        robot
            .lookup(".connect-form .combo-box .text-field")
            .queryAs(javafx.scene.control.TextField.class);
    javafx.scene.control.Button connect =
        robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
            .filter(b -> b.getText().equals("Connect"))
            .findFirst()
            .orElseThrow();
    robot.interact(() -> field.setText("not a uri"));
    assertTrue(connect.isDisabled(), "a bad URI cannot be connected to");
    assertTrue(
        robot
            .lookup(".connect-form .field-error")
            .queryAs(Label.class)
            .getText()
            .contains("spaces"));
    robot.interact(() -> field.setText("test:///default")); // libvirt's own test driver
    assertTrue(!connect.isDisabled());
    robot.clickOn(connect);
    AppDriver.waitFor(
        30,
        () ->
            robot.lookup(".host-title").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals("test:///default")));
    // libvirt's test driver defines one domain, "test": it shows under its host
    AppDriver.waitFor(
        30,
        () ->
            robot.lookup(".vm-list").queryAll().stream()
                .map(n -> (ListView<?>) n)
                .anyMatch(
                    l ->
                        l.getItems().stream()
                            .anyMatch(o -> o instanceof VmViewModel m && m.name().equals("test"))));

    // the system host lost and regained: the group says so, with libvirt's reason
    dev.berth.backend.libvirt.LibvirtTestDomain.killLibvirtd();
    try {
      AppDriver.waitFor(
          10,
          () ->
              robot.lookup(".host-status").queryAllAs(Label.class).stream()
                  .anyMatch(l -> l.getText().startsWith("Unreachable: ")));
    } finally {
      dev.berth.backend.libvirt.LibvirtTestDomain.ensureLibvirtd();
    }
    AppDriver.waitFor(
        30,
        () ->
            robot.lookup(".host-status").queryAllAs(Label.class).stream()
                .noneMatch(l -> l.getText().startsWith("Unreachable: ")));
  }
}
