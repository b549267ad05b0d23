package dev.berth.app;

import dev.berth.display.GuestDisplay;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.fxml.FXML;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.StackPane;

/** The Display tab: the selected VM's graphical console, fit or 1:1, and screenshots. */
public final class DisplayTabController {
  @FXML private StackPane displayPane;
  @FXML private Label noDisplay;
  @FXML private ToggleButton fitToggle;
  @FXML private Button screenshotButton;

  private final Map<GuestDisplay, FramebufferView> views = new HashMap<>();
  private Supplier<List<VmViewModel>> allVms = List::of;
  private VmViewModel shown;

  /**
   * @param allVms every VM of the window: a display none of them shows any more can go
   */
  void setUp(Supplier<List<VmViewModel>> allVms) {
    this.allVms = allVms;
  }

  void show(VmViewModel model) {
    shown = model;
    GuestDisplay fb = model.framebufferProperty().get();
    screenshotButton.setDisable(fb == null);
    if (fb == null) {
      displayPane.getChildren().setAll(noDisplay);
      return;
    }
    views.keySet().removeIf(old -> old != fb && unused(old));
    FramebufferView view = views.computeIfAbsent(fb, FramebufferView::new);
    view.setFit(fitToggle.isSelected());
    displayPane.getChildren().setAll(view);
  }

  private boolean unused(GuestDisplay fb) {
    return allVms.get().stream().noneMatch(m -> m.framebufferProperty().get() == fb);
  }

  @FXML
  void toggleFit() {
    views.values().forEach(v -> v.setFit(fitToggle.isSelected()));
  }

  @FXML
  void screenshot() {
    GuestDisplay fb = shown == null ? null : shown.framebufferProperty().get();
    if (fb == null) {
      return;
    }
    javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
    chooser.setTitle("Save a screenshot of " + shown.name());
    chooser.setInitialFileName(
        shown.name()
            + "-"
            + java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-')
            + ".png");
    java.io.File file = chooser.showSaveDialog(displayPane.getScene().getWindow());
    if (file == null) {
      return;
    }
    try {
      views.get(fb).saveScreenshot(file.toPath());
    } catch (java.io.IOException e) {
      new Alert(Alert.AlertType.ERROR, "Cannot save the screenshot: " + e.getMessage())
          .showAndWait();
    }
  }
}
