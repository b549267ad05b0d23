package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** What closing the window does, as the user told it once: no question the next time. */
@ExtendWith(ApplicationExtension.class)
class AppCloseWindowTest {
  private Stage stage;
  private BerthDirs dirs;
  private BerthApp.Library library;

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    dirs = AppDriver.freshDirs("ac");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
  }

  @Test
  void doThisEveryTimeMakesTheNextCloseGoWithoutAsking(FxRobot robot) throws Exception {
    VmViewModel demo = library.vms().get(0);
    robot.clickOn("#start");
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("demo$"));
    AppDriver.requestClose(stage);
    AppDriver.waitForDialog(robot);
    DialogPane ask = robot.lookup(".dialog-pane").queryAs(DialogPane.class);
    assertEquals("demo is still running", ask.getHeaderText());
    // the bundled core saves its state: Save state is offered beside the power button
    assertTrue(
        robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
            .anyMatch(b -> b.getText().equals(AppClose.SAVE_STATE)));
    robot.clickOn("#closeEveryTime");
    AppDriver.clickDialogButton(robot, AppClose.POWER_BUTTON);
    // the demo honours the button; the window closes when it is off
    AppDriver.waitFor(20, () -> !demo.isActive());
    AppDriver.waitFor(5, () -> !stage.isShowing());
    assertTrue(
        Files.readString(dirs.config().resolve("settings.json")).contains("\"power_button\""));

    // the next window: Start, close, and no question: the power button, then the window goes
    library = BerthApp.Library.open(dirs);
    robot.interact(
        () -> {
          try {
            BerthApp.open(stage, library);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          stage.show();
        });
    VmViewModel again = library.vms().get(0);
    robot.clickOn("#start");
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("demo$"));
    AppDriver.requestClose(stage);
    AppDriver.waitFor(
        5, () -> robot.lookup("Closing Berth").tryQuery().isPresent() || !again.isActive());
    assertFalse(
        robot
            .lookup(".dialog-pane")
            .tryQuery()
            .map(n -> ((DialogPane) n).getHeaderText())
            .orElse("")
            .endsWith("still running"),
        "no question");
    AppDriver.waitFor(20, () -> !again.isActive());
    AppDriver.waitFor(5, () -> !stage.isShowing());
    assertEquals("Guest powered off (guest-shutdown)", again.lastEndProperty().get());
  }
}
