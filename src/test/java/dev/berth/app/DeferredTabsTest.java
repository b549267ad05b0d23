package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The launch paints the Console tab alone: the other tabs are built after the first frame, one a
 * frame, or at once when one is selected before its turn, and then show the selected VM.
 */
@ExtendWith(ApplicationExtension.class)
class DeferredTabsTest {
  private List<Boolean> builtAtOpen;
  private boolean builtWhenSelected;
  private TabPane tabs;
  private BerthApp.Library library;

  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("dt");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
    tabs = (TabPane) stage.getScene().lookup("#tabs");
    builtAtOpen = tabs.getTabs().stream().map(t -> t.getContent() != null).toList();
    // still before any frame: Snapshots selected before its turn came
    tabs.getSelectionModel().select(5);
    builtWhenSelected = tabs.getTabs().get(5).getContent() != null;
    tabs.getSelectionModel().select(0);
  }

  @Test
  void theFirstFrameHasTheConsoleAloneAndTheRestFollow(FxRobot robot) throws Exception {
    assertEquals(List.of(true, false, false, false, false, false), builtAtOpen);
    WaitForAsyncUtils.waitFor(
        5, TimeUnit.SECONDS, () -> tabs.getTabs().stream().allMatch(t -> t.getContent() != null));
    // built late, they show the VM selected at launch: its run history is in the events table
    robot.press(javafx.scene.input.KeyCode.ALT).type(javafx.scene.input.KeyCode.DIGIT3);
    robot.release(javafx.scene.input.KeyCode.ALT);
    assertNotNull(robot.lookup("#guestCpuGraph").tryQuery().orElse(null), "the Overview's graphs");
  }

  @Test
  void aTabSelectedBeforeItsTurnIsBuiltAtOnce(FxRobot robot) {
    assertTrue(builtWhenSelected, "built when selected");
    robot.press(javafx.scene.input.KeyCode.ALT).type(javafx.scene.input.KeyCode.DIGIT6);
    robot.release(javafx.scene.input.KeyCode.ALT);
    assertNotNull(robot.lookup("#takeButton").tryQuery().orElse(null), "the Snapshots tab shows");
  }
}
