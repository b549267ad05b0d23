package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmStore;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
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
  private BerthDirs dirs;

  @Start
  void start(Stage stage) throws Exception {
    // a runtime directory of its own: no other test's VM is found there
    dirs = AppDriver.freshDirs("bm");
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

  private void startAndWaitForPrompt(FxRobot robot) throws Exception {
    assertEquals("Shut off", AppDriver.badge(robot).getText());
    robot.clickOn("Start");
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Running"));
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("demo$"));
  }

  private static String message(FxRobot robot) {
    return robot.lookup("#messageLabel").queryAs(Label.class).getText();
  }

  private void typeInConsole(FxRobot robot, String line) throws Exception {
    robot.clickOn(".console");
    robot.write(line);
    robot.type(javafx.scene.input.KeyCode.ENTER);
  }

  @Test
  void powerButtonOnAGuestThatHonoursIt(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    AppDriver.act(robot, VmAction.POWER_BUTTON);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    AppDriver.waitFor(5, () -> AppDriver.consoleText(robot).contains("pm: entering S5"));
    assertEquals("Guest powered off (guest-shutdown)", AppDriver.lastEnd(robot));
    String log = AppDriver.events(robot);
    assertTrue(log.indexOf("POWERDOWN") < log.indexOf("SHUTDOWN"), log);
    assertTrue(log.contains("\"reason\":\"guest-shutdown\""), log);
  }

  @Test
  void guestIgnoringTheButtonGetsAnOfferBarThatStaysUntilItStops(FxRobot robot) throws Exception {
    // a narrow status bar (as in a narrow window; the stage itself is shared with other tests)
    // must still show the state and the count whole
    robot.interact(
        () -> robot.lookup(".status-bar").queryAs(javafx.scene.layout.HBox.class).setMaxWidth(560));
    startAndWaitForPrompt(robot);
    typeInConsole(robot, "button ignore");
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("policy: ignore"));
    AppDriver.act(robot, VmAction.POWER_BUTTON);
    AppDriver.waitFor(5, () -> AppDriver.badge(robot).getText().equals("Powering down"));
    Label wait = robot.lookup("#waitLabel").queryAs(Label.class);
    AppDriver.waitFor(5, () -> wait.getText().startsWith("Waiting for the guest"));
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("ignored (policy: ignore)"));
    Node bar = robot.lookup("#offerBar").query();
    AppDriver.waitFor(TIMEOUT_S + 10, bar::isVisible);
    assertEquals("Powering down", AppDriver.badge(robot).getText(), "the guest is still running");
    Label offer = robot.lookup("#offerLabel").queryAs(Label.class);
    assertTrue(
        offer.getText().startsWith("demo has not responded to the power button for "),
        offer.getText());
    WaitForAsyncUtils.waitForFxEvents();
    for (Label l : List.of(AppDriver.badge(robot), wait, offer)) {
      assertEquals(l.getText(), AppDriver.shownText(l), "cut short on screen");
    }
    // no popup takes the keyboard: Alt+3 still switches tabs
    robot.press(javafx.scene.input.KeyCode.ALT).type(javafx.scene.input.KeyCode.DIGIT3);
    robot.release(javafx.scene.input.KeyCode.ALT);
    TabPane tabs = robot.lookup("#tabs").queryAs(TabPane.class);
    AppDriver.waitFor(5, () -> tabs.getSelectionModel().getSelectedIndex() == 2);
    assertTrue(robot.listWindows().size() == 1, "no popup window: " + robot.listWindows());

    // Keep waiting: the bar goes, the count starts again, and the offer comes back
    robot.clickOn("#offerKeepWaiting");
    AppDriver.waitFor(5, () -> !bar.isVisible());
    AppDriver.waitFor(TIMEOUT_S + 10, bar::isVisible);
    AppDriver.clickConfirming(robot, "#offerForceOff", VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", AppDriver.lastEnd(robot));
    assertFalse(bar.isVisible(), "the offer went with the VM");
    assertFalse(robot.lookup("#waitBox").query().isVisible());
  }

  /**
   * Start, then Space and Enter: the keys go to the guest's console, not to whichever toolbar
   * button had the focus; and Enter in the power-cut dialog takes Cancel, never the power cut.
   */
  @Test
  void afterStartTheConsoleHasTheKeysAndEnterInTheQuitDialogCancels(FxRobot robot)
      throws Exception {
    startAndWaitForPrompt(robot);
    assertTrue(robot.lookup(".console").query().isFocused(), "the console has the keyboard");
    AppDriver.act(robot, VmAction.QUIT);
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
    robot.type(javafx.scene.input.KeyCode.ENTER);
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
    assertEquals("Running", AppDriver.badge(robot).getText(), "Enter cancelled the power cut");
    AppDriver.quitConfirming(robot);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
  }

  @Test
  void quitAsksThenCutsThePower(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    AppDriver.quitConfirming(robot);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Emulator quit by host (host-qmp-quit)", AppDriver.lastEnd(robot));
    assertTrue(AppDriver.events(robot).contains("{\"guest\":false,\"reason\":\"host-qmp-quit\"}"));
    // a new run: the old end is shown as the last run's, not as this one's
    startAndWaitForPrompt(robot);
    assertEquals("Last run: Emulator quit by host (host-qmp-quit)", AppDriver.lastEnd(robot));
    // the new boot is set apart from the old run's prompt by a rule (the old run's prompt
    // satisfied the wait above: wait for the new boot's banner itself)
    AppDriver.waitFor(
        20,
        () -> {
          String c = AppDriver.consoleText(robot);
          int r = c.indexOf(" new run, ");
          return r > 0 && c.indexOf("Berth demo guest", r) > r;
        });
    String console = AppDriver.consoleText(robot);
    int rule = console.indexOf(" new run, ");
    assertTrue(rule > 0, console);
    assertTrue(console.lastIndexOf("demo$", rule) > 0, "the old prompt is above it");
    assertTrue(console.indexOf("Berth demo guest", rule) > rule, "the new boot below it");
    AppDriver.actConfirming(robot, VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
  }

  @Test
  void pauseResumeAndReset(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    robot.clickOn("Pause");
    AppDriver.waitFor(10, () -> AppDriver.badge(robot).getText().equals("Paused"));
    assertTrue(AppDriver.events(robot).contains("\"event\":\"STOP\""));
    AppDriver.waitFor(5, () -> message(robot).equals("demo is paused"));
    robot.clickOn("Resume");
    AppDriver.waitFor(10, () -> AppDriver.badge(robot).getText().equals("Running"));
    AppDriver.waitFor(5, () -> message(robot).equals("demo runs again"));
    AppDriver.actConfirming(robot, VmAction.RESET);
    AppDriver.waitFor(
        10, () -> AppDriver.events(robot).contains("\"reason\":\"host-qmp-system-reset\""));
    AppDriver.waitFor(
        20, () -> AppDriver.consoleText(robot).split("Berth demo guest", -1).length > 2);
    // the reboot is marked in the console
    AppDriver.waitFor(
        5, () -> AppDriver.consoleText(robot).contains(" reset (host-qmp-system-reset), "));
    AppDriver.actConfirming(robot, VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertEquals("Terminated by signal (host-signal)", AppDriver.lastEnd(robot));
    assertEquals(1, vm.runs().size());
    List<String> states =
        vm.runs().get(0).segments().stream().map(s -> s.state().label()).distinct().toList();
    assertTrue(states.containsAll(List.of("Running", "Paused", "Stopping")), states.toString());
  }

  /**
   * Every action that cuts the power asks, with Cancel as Enter's answer; "Don't ask again" holds
   * until Preferences asks again.
   */
  @Test
  void powerCutsAskFirstAndPreferencesUndoDontAskAgain(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    for (VmAction a : List.of(VmAction.FORCE_OFF, VmAction.RESET, VmAction.QUIT, VmAction.KILL)) {
      if (a == VmAction.KILL) {
        AppDriver.fireMenuItem(robot, "_Kill");
      } else {
        AppDriver.act(robot, a);
      }
      AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
      javafx.scene.control.DialogPane pane =
          robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class);
      assertEquals(a.confirm().question("demo"), pane.getHeaderText());
      robot.type(javafx.scene.input.KeyCode.ENTER);
      AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
      assertEquals("Running", AppDriver.badge(robot).getText(), a + ": Enter cancelled it");
    }
    AppDriver.act(robot, VmAction.FORCE_OFF);
    AppDriver.confirm(robot, VmAction.FORCE_OFF, true);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    startAndWaitForPrompt(robot);
    AppDriver.act(robot, VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));

    AppDriver.fireMenuItem(robot, "_Preferences");
    AppDriver.waitForVisible(robot, "#confirm-force-off");
    javafx.scene.control.CheckBox asks =
        robot.lookup("#confirm-force-off").queryAs(javafx.scene.control.CheckBox.class);
    assertFalse(asks.isSelected(), "Preferences shows the don't-ask-again");
    robot.clickOn(asks);
    robot.clickOn("OK");
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
    startAndWaitForPrompt(robot);
    AppDriver.actConfirming(robot, VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
  }

  /**
   * While another process runs the VM, Start says why it cannot; once that process lets go, the
   * reason goes and Start works.
   */
  @Test
  void cannotStartGoesOnceTheOtherProcessLetsGo(FxRobot robot) throws Exception {
    // the lock `berth start demo --headless` holds while it runs the VM
    dev.berth.vm.VmLock other = dev.berth.vm.VmLock.acquire(dirs, "demo");
    try {
      robot.clickOn("#start");
      AppDriver.waitFor(
          10, () -> message(robot).startsWith("Cannot start demo: demo is already running"));
      assertEquals("Shut off", AppDriver.badge(robot).getText());
    } finally {
      other.close();
    }
    AppDriver.waitFor(5, () -> !message(robot).startsWith("Cannot start"));
    assertEquals("demo stopped in the other Berth process; it can start here now", message(robot));
    startAndWaitForPrompt(robot);
    AppDriver.actConfirming(robot, VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
  }

  private static String progress(FxRobot robot) {
    return robot.lookup(".closing-progress .label").queryAllAs(Label.class).stream()
        .map(Label::getText)
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  /**
   * Closing names the running VM and what closing does to it; after "press power button and wait"
   * it shows the VM going down, can be cancelled, and with Force off ends in a closed window.
   */
  @Test
  void closingNamesTheVmAndShowsItGoingDownUntilItIsOff(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    typeInConsole(robot, "button ignore");
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("policy: ignore"));
    AppDriver.requestClose(stage);
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
    javafx.scene.control.DialogPane ask =
        robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class);
    assertEquals("demo is still running", ask.getHeaderText());
    String lines =
        ask.getContent().lookupAll(".label").stream()
            .map(n -> ((Label) n).getText())
            .collect(java.util.stream.Collectors.joining("\n"));
    assertTrue(lines.contains("demo (the bundled core) stops with Berth"), lines);
    AppDriver.waitForVisible(robot, AppClose.POWER_BUTTON);
    robot.clickOn(AppClose.POWER_BUTTON);
    AppDriver.waitFor(10, () -> progress(robot).contains("demo: Powering down"));
    assertTrue(stage.isShowing(), "the window waits for the guest");
    AppDriver.waitForVisible(robot, AppClose.CANCEL_CLOSE);
    robot.clickOn(AppClose.CANCEL_CLOSE);
    AppDriver.waitFor(5, () -> robot.lookup(".closing-progress").tryQuery().isEmpty());
    assertTrue(stage.isShowing(), "the close was cancelled");
    assertEquals("Powering down", AppDriver.badge(robot).getText());

    AppDriver.requestClose(stage);
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
    AppDriver.waitForVisible(robot, AppClose.POWER_BUTTON);
    robot.clickOn(AppClose.POWER_BUTTON);
    AppDriver.waitFor(10, () -> progress(robot).contains("demo: Powering down"));
    AppDriver.waitForVisible(robot, AppClose.FORCE_OFF);
    robot.clickOn(AppClose.FORCE_OFF);
    AppDriver.waitFor(20, () -> !stage.isShowing());
    assertEquals(dev.berth.vm.VmState.SHUT_OFF, vm.stateProperty().get());
  }

  /** Editing a running VM says its changes wait for the next start. */
  @Test
  void editingARunningVmSaysWhenChangesApply(FxRobot robot) throws Exception {
    startAndWaitForPrompt(robot);
    AppDriver.fireMenuItem(robot, "_Edit VM");
    AppDriver.waitForDialog(robot);
    Label note = robot.lookup("#runningNote").queryAs(Label.class);
    assertTrue(note.isVisible());
    assertEquals(
        "demo is running: these changes apply the next time it starts, not to this run.",
        note.getText());
    AppDriver.waitForVisible(robot, "Cancel");
    robot.clickOn("Cancel");
    AppDriver.waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
    AppDriver.actConfirming(robot, VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
  }
}
