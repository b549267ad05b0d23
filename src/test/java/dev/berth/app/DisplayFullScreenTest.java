package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.util.Optional;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Display tab: the keyboard grab and its release key, zoom levels, full screen with F11. */
@ExtendWith(ApplicationExtension.class)
class DisplayFullScreenTest {
  private VmViewModel vm;

  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("fs");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.Library library = BerthApp.Library.open(dirs);
    vm = library.vms().get(0);
    BerthApp.open(stage, library);
  }

  private static Optional<Stage> fullScreen() {
    return Window.getWindows().stream()
        .filter(
            w ->
                w instanceof Stage s
                    && s.getTitle() != null
                    && s.getTitle().endsWith("full screen"))
        .map(w -> (Stage) w)
        .findFirst();
  }

  @Test
  void grabZoomAndFullScreen(FxRobot robot) throws Exception {
    robot.clickOn("#start");
    robot.clickOn("Display (Alt+2)");
    AppDriver.waitFor(20, () -> robot.lookup(".framebuffer").tryQuery().isPresent());
    FramebufferView view = robot.lookup(".framebuffer").queryAs(FramebufferView.class);
    Label grab = robot.lookup("#grabLabel").queryAs(Label.class);
    assertEquals(DisplayTabController.NOT_GRABBED, grab.getText());

    // a click gives the guest the keyboard, and the bar says which keys let go
    robot.clickOn(view);
    AppDriver.waitFor(5, view::isFocused);
    assertEquals(DisplayTabController.GRABBED, grab.getText());
    assertTrue(grab.getText().contains("Ctrl+Alt releases"));
    robot.press(KeyCode.CONTROL, KeyCode.ALT).release(KeyCode.ALT, KeyCode.CONTROL);
    AppDriver.waitFor(5, () -> !view.isFocused());
    assertEquals(DisplayTabController.NOT_GRABBED, grab.getText());

    // zoom levels at 1:1
    robot.clickOn("Fit to window");
    @SuppressWarnings("unchecked")
    ChoiceBox<Integer> zoom = robot.lookup("#zoom").queryAs(ChoiceBox.class);
    assertFalse(zoom.isDisable());
    robot.interact(() -> zoom.setValue(200));
    AppDriver.waitFor(5, () -> view.shownWidth() == 2048);
    robot.interact(() -> zoom.setValue(50));
    AppDriver.waitFor(5, () -> view.shownWidth() == 512);

    // F11 on the screen: full screen with a toolbar over it; F11 again brings it back
    robot.clickOn(view);
    robot.type(KeyCode.F11);
    AppDriver.waitFor(5, () -> fullScreen().isPresent());
    Stage full = fullScreen().get();
    assertTrue(full.isFullScreen());
    assertTrue(view.getScene() == full.getScene(), "the screen moved to the full-screen window");
    assertTrue(full.getScene().getRoot().lookup("#exitFullScreen") != null);
    AppDriver.waitFor(5, view::isFocused);
    robot.type(KeyCode.F11);
    AppDriver.waitFor(5, () -> fullScreen().isEmpty());
    AppDriver.waitFor(5, () -> view.getScene() != null && view.getScene() != full.getScene());
    assertTrue(vm.isActive(), "F11 never went to the guest as a power action");
    AppDriver.quitConfirming(robot);
    AppDriver.waitFor(20, () -> !vm.isActive());
  }
}
