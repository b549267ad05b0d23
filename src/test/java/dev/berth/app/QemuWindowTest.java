package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.app.terminal.TerminalModel;
import dev.berth.app.terminal.TerminalView;
import dev.berth.backend.qemu.X86TestGuest;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real app driving real QEMU (x86_64, TCG, a Linux guest with acpid and qemu-ga): the power
 * button, quit and force off from the toolbar, the states shown and the words for the end.
 */
@ExtendWith(ApplicationExtension.class)
class QemuWindowTest {
  private VmViewModel vm;

  @BeforeAll
  static void guest() throws Exception {
    X86TestGuest.ensureBuilt();
  }

  @Start
  void start(Stage stage) throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "bw");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    VmStore store = new VmStore(dirs.config());
    store.save(X86TestGuest.spec("x86", "pc", "acpid=0"));
    store.save(X86TestGuest.spec("x86acpi", "q35", ""));
    BerthApp.Library library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
    vm = library.vms().get(0);
  }

  @AfterEach
  void stopLeftovers() {
    if (vm != null && vm.isActive()) {
      vm.forceOff();
    }
  }

  private static void waitFor(int seconds, Supplier<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::get);
  }

  private Label badge(FxRobot robot) {
    return robot.lookup("#stateBadge").queryAs(Label.class);
  }

  private String consoleText(FxRobot robot) {
    TerminalView view = robot.lookup(".console").queryAs(TerminalView.class);
    try {
      return WaitForAsyncUtils.asyncFx(
              () -> {
                TerminalModel m = view.getModel();
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < m.totalLines(); i++) {
                  var line = m.lineAt(i);
                  sb.append(line.text(0, line.length())).append('\n');
                }
                return sb.toString();
              })
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String events(FxRobot robot) {
    @SuppressWarnings("unchecked")
    ListView<String> list = robot.lookup(".events").queryAs(ListView.class);
    return String.join("\n", list.getItems());
  }

  private String lastEnd(FxRobot robot) {
    return robot.lookup("#lastEndLabel").queryAs(Label.class).getText();
  }

  @SuppressWarnings("unchecked")
  private void select(FxRobot robot, String name) {
    ListView<VmViewModel> list = robot.lookup("#vmList").queryAs(ListView.class);
    vm = list.getItems().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    robot.interact(() -> list.getSelectionModel().select(vm));
  }

  private void startAndWaitForGuest(FxRobot robot) throws Exception {
    assertEquals("Shut off", badge(robot).getText());
    robot.clickOn("Start");
    waitFor(30, () -> badge(robot).getText().equals("Running"));
    waitFor(120, () -> consoleText(robot).contains("x86-guest ready"));
  }

  @Test
  void powerButtonWithAcpidPowersOffAndTheAgentShows(FxRobot robot) throws Exception {
    select(robot, "x86acpi");
    startAndWaitForGuest(robot);
    waitFor(30, () -> vm.agentProperty().get().startsWith("Guest agent answers"));
    waitFor(10, () -> vm.framebufferProperty().get() instanceof dev.berth.rfb.RfbClient);
    waitFor(10, () -> vm.framebufferProperty().get().screen().width() >= 640);
    robot.clickOn("Power button");
    waitFor(30, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Guest powered off (guest-shutdown)", lastEnd(robot));
    String log = events(robot);
    assertTrue(log.indexOf("POWERDOWN") < log.indexOf("SHUTDOWN"), log);
    assertTrue(log.contains("{\"guest\":true,\"reason\":\"guest-shutdown\"}"), log);
  }

  @Test
  void quitAsksThenCutsThePower(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    robot.clickOn("Quit emulator");
    robot.clickOn("Don't ask again");
    javafx.scene.control.Button confirm =
        robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
            .filter(b -> b.getText().equals("Quit emulator"))
            .findFirst()
            .orElseThrow();
    robot.clickOn(confirm);
    waitFor(30, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Emulator quit by host (host-qmp-quit)", lastEnd(robot));
    assertTrue(events(robot).contains("{\"guest\":false,\"reason\":\"host-qmp-quit\"}"));
  }

  @Test
  void ignoredButtonThenForceOff(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    robot.clickOn("Power button");
    waitFor(10, () -> events(robot).contains("POWERDOWN"));
    assertEquals("Powering down", badge(robot).getText(), "no acpid: the guest runs on");
    robot.clickOn("#forceButton");
    waitFor(30, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", lastEnd(robot));
    assertTrue(events(robot).contains("{\"guest\":false,\"reason\":\"host-signal\"}"));
  }

  @Test
  void killFromTheSignalMenuEndsWithNoEvent(FxRobot robot) throws Exception {
    select(robot, "x86");
    startAndWaitForGuest(robot);
    // the menu item itself, fired as a click would (Monocle draws no menu popups to click on)
    javafx.scene.control.MenuBar bar =
        robot.lookup(".menu-bar").queryAs(javafx.scene.control.MenuBar.class);
    javafx.scene.control.MenuItem kill =
        bar.getMenus().stream()
            .flatMap(m -> m.getItems().stream())
            .filter(i -> i instanceof javafx.scene.control.Menu m && m.getText().equals("Si_gnal"))
            .flatMap(m -> ((javafx.scene.control.Menu) m).getItems().stream())
            .filter(i -> i.getText().startsWith("_Kill"))
            .findFirst()
            .orElseThrow();
    robot.interact(kill::fire);
    waitFor(30, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Killed — no shutdown event", lastEnd(robot));
    assertTrue(!events(robot).contains("SHUTDOWN"), events(robot));
  }
}
