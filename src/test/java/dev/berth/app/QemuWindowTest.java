package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.qemu.X86TestGuest;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The real app driving real QEMU (x86_64, TCG, a Linux guest with acpid and qemu-ga): the power
 * button, quit and force off from the toolbar, the states shown and the words for the end.
 */
@ExtendWith(ApplicationExtension.class)
class QemuWindowTest {
  private VmViewModel vm;
  private BerthApp.Library library;
  private Stage stage;

  @BeforeAll
  static void guest() throws Exception {
    X86TestGuest.ensureBuilt();
  }

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    BerthDirs dirs = AppDriver.freshDirs("bw");
    VmStore store = new VmStore(dirs.config());
    store.save(X86TestGuest.spec("x86", "pc", "acpid=0"));
    store.save(X86TestGuest.spec("x86acpi", "q35", ""));
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
    vm = library.vms().get(0);
  }

  @AfterEach
  void stopLeftovers() {
    if (vm != null && vm.isActive()) {
      vm.forceOff();
    }
  }

  private void select(FxRobot robot, String name) {
    vm = library.vms().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    AppDriver.select(robot, vm);
  }

  private void startAndWaitForGuest(FxRobot robot) throws Exception {
    assertEquals("Shut off", AppDriver.badge(robot).getText());
    robot.clickOn("Start");
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Running"));
    AppDriver.waitFor(120, () -> AppDriver.consoleText(robot).contains("x86-guest ready"));
  }

  @Test
  void powerButtonWithAcpidPowersOffAndTheAgentShows(FxRobot robot) throws Exception {
    select(robot, "x86acpi");
    startAndWaitForGuest(robot);
    AppDriver.waitFor(30, () -> vm.agentProperty().get().startsWith("Guest agent answers"));
    // the Overview's figures for QEMU: its process's CPU and resident memory, measured
    AppDriver.waitFor(
        10,
        () ->
            vm.samples().stream()
                .anyMatch(
                    x ->
                        x.memoryBytes() > 16L << 20
                            && !Double.isNaN(x.hostCpu())
                            && !Double.isNaN(x.diskBytesPerSecond())));
    AppDriver.waitFor(10, () -> vm.framebufferProperty().get() instanceof dev.berth.rfb.RfbClient);
    AppDriver.waitFor(10, () -> vm.framebufferProperty().get().screen().width() >= 640);
    AppDriver.act(robot, dev.berth.vm.VmAction.POWER_BUTTON);
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Guest powered off (guest-shutdown)", AppDriver.lastEnd(robot));
    String log = AppDriver.events(robot);
    assertTrue(log.indexOf("POWERDOWN") < log.indexOf("SHUTDOWN"), log);
    assertTrue(log.contains("{\"guest\":true,\"reason\":\"guest-shutdown\"}"), log);
  }

  @Test
  void quitAsksThenCutsThePower(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    AppDriver.quitConfirming(robot);
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Emulator quit by host (host-qmp-quit)", AppDriver.lastEnd(robot));
    assertTrue(AppDriver.events(robot).contains("{\"guest\":false,\"reason\":\"host-qmp-quit\"}"));
  }

  /** Closing with a QEMU VM running offers Save state: the run ends Saved, the window closes. */
  @Test
  void closingOffersSaveStateForAQemuVm(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    AppDriver.requestClose(stage);
    AppDriver.waitForDialog(robot);
    javafx.scene.control.DialogPane ask =
        robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class);
    assertTrue(
        ask.getContent().lookupAll(".label").stream()
            .anyMatch(
                n ->
                    ((javafx.scene.control.Label) n)
                        .getText()
                        .endsWith("(or Save state stops it where it is)")));
    AppDriver.clickDialogButton(robot, AppClose.SAVE_STATE);
    AppDriver.waitFor(60, () -> !vm.isActive());
    AppDriver.waitFor(10, () -> !stage.isShowing());
    dev.berth.vm.Run last = vm.runs().get(vm.runs().size() - 1);
    assertEquals(dev.berth.event.MachineExit.Kind.SAVED, last.end().kind(), last.end().words());
  }

  @Test
  void ignoredButtonThenForceOff(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    // closing says the QEMU VM runs on, and that the next Berth takes it up
    AppDriver.requestClose(stage);
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
    javafx.scene.control.DialogPane ask =
        robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class);
    assertEquals("x86 is still running", ask.getHeaderText());
    assertTrue(
        ask.getContent().lookupAll(".label").stream()
            .anyMatch(
                n ->
                    ((javafx.scene.control.Label) n)
                        .getText()
                        .startsWith(
                            "• x86 keeps running on QEMU; the next Berth takes it up again")));
    AppDriver.waitForVisible(robot, "Cancel");
    robot.clickOn("Cancel");
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
    assertTrue(stage.isShowing());
    AppDriver.act(robot, dev.berth.vm.VmAction.POWER_BUTTON);
    AppDriver.waitFor(10, () -> AppDriver.events(robot).contains("POWERDOWN"));
    assertEquals("Powering down", AppDriver.badge(robot).getText(), "no acpid: the guest runs on");
    AppDriver.actConfirming(robot, dev.berth.vm.VmAction.FORCE_OFF);
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", AppDriver.lastEnd(robot));
    assertTrue(AppDriver.events(robot).contains("{\"guest\":false,\"reason\":\"host-signal\"}"));
  }

  @Test
  void killFromTheSignalMenuEndsWithNoEvent(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    AppDriver.fireMenuItem(robot, "_Kill");
    AppDriver.confirm(robot, dev.berth.vm.VmAction.KILL, false);
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Killed — no shutdown event", AppDriver.lastEnd(robot));
    assertTrue(!AppDriver.events(robot).contains("SHUTDOWN"), AppDriver.events(robot));
  }

  @Test
  void forceOffEscalatesToKillWhenQemuDoesNotAnswerSigterm(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    // A hung QEMU: stopped, it cannot act on SIGTERM; libvirt's destroy kills it after 10 s.
    long pid =
        Long.parseLong(
            vm.events().stream()
                .filter(e -> e.contains("pid "))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*pid (\\d+).*", "$1"));
    dev.berth.backend.qemu.ProcessSignals.send(ProcessHandle.of(pid).orElseThrow(), "STOP");
    long t0 = System.nanoTime();
    AppDriver.actConfirming(robot, dev.berth.vm.VmAction.FORCE_OFF);
    AppDriver.waitFor(30, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    double waited = (System.nanoTime() - t0) / 1e9;
    assertEquals("Killed — no shutdown event", AppDriver.lastEnd(robot));
    assertTrue(
        waited >= dev.berth.vm.ForceOff.KILL_AFTER_SECONDS - 1, "killed after " + waited + " s");
  }
}
