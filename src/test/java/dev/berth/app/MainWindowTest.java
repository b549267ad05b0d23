package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.app.terminal.TerminalModel;
import dev.berth.app.terminal.TerminalView;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real app on the real bundled core: each power path from the toolbar, the state the user sees
 * while it happens, and the words for why the run ended.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
  /** Short, so the "guest ignores the button" path shows its offer quickly. */
  private static final int TIMEOUT_S = 5;

  private VmViewModel vm;
  private Stage stage;

  @Start
  void start(Stage stage) throws Exception {
    Path home = Files.createTempDirectory("berth-gui-test");
    BerthDirs dirs = new BerthDirs(Map.of(), home);
    VmStore store = new VmStore(dirs.config());
    store.ensureFirstRunDefaults();
    VmSpec demo = store.load().specs().get(0);
    store.save(
        new VmSpec(
            demo.name(),
            demo.backend(),
            demo.memoryMiB(),
            demo.kernel(),
            demo.initrd(),
            demo.append(),
            demo.bios(),
            demo.disks(),
            TIMEOUT_S,
            demo.schemaVersion(),
            demo.arch(),
            demo.machine(),
            demo.cpus(),
            demo.cdrom()));
    BerthApp.Library library = BerthApp.Library.open(dirs);
    vm = library.vms().get(0);
    this.stage = stage;
    BerthApp.open(stage, library);
  }

  private static void waitFor(int seconds, Supplier<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::get);
  }

  private Label badge(FxRobot robot) {
    return robot.lookup("#stateBadge").queryAs(Label.class);
  }

  /** Everything the serial console shows, scrollback included (read on the FX thread). */
  private String consoleText(FxRobot robot) {
    TerminalView view = robot.lookup(".console").queryAs(TerminalView.class);
    try {
      return WaitForAsyncUtils.asyncFx(
              () -> {
                TerminalModel m = view.getModel();
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < m.totalLines(); i++) {
                  var line = m.lineAt(i);
                  sb.append(line.text(0, line.length()));
                  if (!line.isWrapped()) {
                    sb.append('\n');
                  }
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

  /** The Force off button of a notification popup (not of the main window), if one is showing. */
  private javafx.scene.control.Button notificationOffer(FxRobot robot) {
    return robot.lookup(".button").queryAllAs(javafx.scene.control.Button.class).stream()
        .filter(b -> b.getText().equals("Force off") && b.getScene().getWindow() != stage)
        .findFirst()
        .orElse(null);
  }

  private void startAndWaitForPrompt(FxRobot robot) throws Exception {
    assertEquals("Shut off", badge(robot).getText());
    robot.clickOn("Start");
    waitFor(20, () -> badge(robot).getText().equals("Running"));
    waitFor(20, () -> consoleText(robot).contains("demo$"));
  }

  private void typeInConsole(FxRobot robot, String line) throws Exception {
    robot.clickOn(".console");
    robot.write(line);
    robot.type(javafx.scene.input.KeyCode.ENTER);
  }

  @Test
  void powerButtonOnAGuestThatHonoursIt(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    robot.clickOn("Power button");
    waitFor(20, () -> badge(robot).getText().equals("Shut off"));
    waitFor(5, () -> consoleText(robot).contains("pm: entering S5"));
    assertEquals("Guest powered off (guest-shutdown)", lastEnd(robot));
    String log = events(robot);
    assertTrue(log.indexOf("POWERDOWN") < log.indexOf("SHUTDOWN"), log);
    assertTrue(log.contains("\"reason\":\"guest-shutdown\""), log);
  }

  @Test
  void guestIgnoringTheButtonGetsTheWaitThenForceOff(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    typeInConsole(robot, "button ignore");
    waitFor(20, () -> consoleText(robot).contains("policy: ignore"));
    robot.clickOn("Power button");
    waitFor(5, () -> badge(robot).getText().equals("Powering down"));
    Node wait = robot.lookup("#waitLabel").query();
    waitFor(5, () -> ((Label) wait).getText().startsWith("Waiting for the guest"));
    waitFor(20, () -> consoleText(robot).contains("ignored (policy: ignore)"));
    waitFor(TIMEOUT_S + 10, () -> vm.waitTimedOutProperty().get());
    assertEquals("Powering down", badge(robot).getText(), "the guest is still running");
    assertTrue(robot.lookup("#waitForceButton").query().isVisible());
    // The notification offers Force off too; take its offer.
    waitFor(10, () -> notificationOffer(robot) != null);
    robot.clickOn(notificationOffer(robot));
    waitFor(20, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", lastEnd(robot));
  }

  @Test
  void quitAsksThenCutsThePower(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    robot.clickOn("Quit emulator");
    robot.clickOn("Don't ask again");
    javafx.scene.control.Button confirm =
        robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
            .filter(b -> b.getText().equals("Quit emulator"))
            .findFirst()
            .orElseThrow();
    robot.clickOn(confirm);
    waitFor(20, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Emulator quit by host (host-qmp-quit)", lastEnd(robot));
    assertTrue(events(robot).contains("{\"guest\":false,\"reason\":\"host-qmp-quit\"}"));
  }

  @Test
  void pauseResumeAndReset(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    robot.clickOn("Pause");
    waitFor(10, () -> badge(robot).getText().equals("Paused"));
    assertTrue(events(robot).contains("\"event\":\"STOP\""));
    robot.clickOn("Resume");
    waitFor(10, () -> badge(robot).getText().equals("Running"));
    robot.clickOn("Reset");
    waitFor(10, () -> events(robot).contains("\"reason\":\"host-qmp-system-reset\""));
    waitFor(20, () -> consoleText(robot).split("Berth demo guest", -1).length > 2);
    robot.clickOn("Force off");
    waitFor(20, () -> badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", lastEnd(robot));
    assertEquals(1, vm.runs().size());
    List<String> states =
        vm.runs().get(0).segments().stream().map(s -> s.state().label()).distinct().toList();
    assertTrue(states.containsAll(List.of("Running", "Paused", "Stopping")), states.toString());
  }
}
