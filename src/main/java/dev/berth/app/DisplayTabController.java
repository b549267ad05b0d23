package dev.berth.app;

import dev.berth.display.GuestDisplay;
import dev.berth.vm.VmAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.beans.value.ChangeListener;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/**
 * The Display tab: the selected VM's graphical console, fit to the window or at a zoom level, full
 * screen (F11) with a toolbar over it, screenshots, and what the keyboard does now: while the
 * screen has it, keys and the mouse go to the guest, and {@link FramebufferView#RELEASE_KEYS} lets
 * go.
 */
public final class DisplayTabController {
  static final String NOT_GRABBED = "Click the screen to type: keys and the mouse go to the guest.";
  static final String GRABBED =
      "Keyboard and mouse go to the guest · " + FramebufferView.RELEASE_KEYS + " releases them";
  static final List<Integer> ZOOMS = List.of(50, 75, 100, 150, 200);

  @FXML private StackPane displayPane;
  @FXML private Label noDisplay;
  @FXML private ToggleButton fitToggle;
  @FXML private ChoiceBox<Integer> zoom;
  @FXML private Button fullScreenButton;
  @FXML private Button screenshotButton;
  @FXML private Label grabLabel;

  private final Map<GuestDisplay, FramebufferView> views = new HashMap<>();
  private final ChangeListener<Boolean> grabChanged = (o, was, is) -> showGrab(is);
  private Supplier<List<VmViewModel>> allVms = List::of;
  private VmViewModel shown;
  private FramebufferView current;

  /** The full-screen window while there is one. */
  private Stage fullScreen;

  private Label fullScreenGrab;

  @FXML
  void initialize() {
    zoom.getItems().setAll(ZOOMS);
    zoom.setValue(100);
    zoom.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(Integer z) {
            return z == null ? "" : z + " %";
          }

          @Override
          public Integer fromString(String s) {
            return null;
          }
        });
    zoom.setDisable(true);
    zoom.setTooltip(new javafx.scene.control.Tooltip("The zoom when not fitting the window"));
    zoom.valueProperty()
        .addListener((o, was, is) -> views.values().forEach(v -> v.setZoom(is / 100.0)));
    grabLabel.setText(NOT_GRABBED);
    // F11 anywhere in the window: full screen of the shown display
    displayPane
        .sceneProperty()
        .addListener(
            (o, was, is) -> {
              if (is != null) {
                is.getAccelerators().put(new KeyCodeCombination(KeyCode.F11), this::fullScreen);
              }
            });
  }

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
    fullScreenButton.setDisable(fb == null);
    if (current != null) {
      current.grabbedProperty().removeListener(grabChanged);
    }
    if (fb == null) {
      current = null;
      showGrab(false);
      if (fullScreen == null) {
        displayPane.getChildren().setAll(noDisplay);
      } else {
        fullScreen.close();
      }
      return;
    }
    views.keySet().removeIf(old -> old != fb && unused(old));
    FramebufferView view = views.computeIfAbsent(fb, FramebufferView::new);
    view.setZoom(zoom.getValue() / 100.0);
    view.setFit(fitToggle.isSelected());
    view.grabbedProperty().addListener(grabChanged);
    if (fullScreen != null && current != view) {
      fullScreen.close(); // another VM's screen: leave full screen, show it here
    }
    current = view;
    if (fullScreen == null) {
      displayPane.getChildren().setAll(view);
    }
    showGrab(view.grabbedProperty().get());
  }

  private boolean unused(GuestDisplay fb) {
    return allVms.get().stream().noneMatch(m -> m.framebufferProperty().get() == fb);
  }

  private void showGrab(boolean grabbed) {
    grabLabel.setText(grabbed ? GRABBED : NOT_GRABBED);
    grabLabel.getStyleClass().remove("grabbed");
    if (grabbed) {
      grabLabel.getStyleClass().add("grabbed");
    }
    if (fullScreenGrab != null) {
      fullScreenGrab.setText(grabbed ? GRABBED : NOT_GRABBED);
    }
  }

  @FXML
  void toggleFit() {
    zoom.setDisable(fitToggle.isSelected());
    views.values().forEach(v -> v.setFit(fitToggle.isSelected()));
  }

  /** The full-screen window, or null: for tests. */
  Stage fullScreenStage() {
    return fullScreen;
  }

  /**
   * F11 or the button: the shown display full screen, in a window of its own with a toolbar over
   * its top edge (hidden while the guest has the keyboard, back when the pointer reaches the top);
   * F11 again, or Exit full screen, returns it to the tab.
   */
  @FXML
  void fullScreen() {
    if (fullScreen != null) {
      fullScreen.close();
      return;
    }
    FramebufferView view = current;
    if (view == null || displayPane.getScene() == null) {
      return;
    }
    Label name = new Label(shown.name());
    name.getStyleClass().add("overlay-title");
    fullScreenGrab = new Label();
    Button keys = new Button(VmAction.CTRL_ALT_DEL.label());
    keys.setOnAction(e -> shown.perform(VmAction.CTRL_ALT_DEL));
    keys.setFocusTraversable(false);
    Button exit = new Button("Exit full screen (F11)");
    exit.setId("exitFullScreen");
    exit.setFocusTraversable(false);
    exit.setOnAction(e -> fullScreen.close());
    HBox overlay = new HBox(12, name, fullScreenGrab, keys, exit);
    overlay.setId("fullScreenOverlay");
    overlay.getStyleClass().add("fullscreen-overlay");
    overlay.setAlignment(Pos.CENTER);
    overlay.setMaxHeight(HBox.USE_PREF_SIZE);
    overlay.setMaxWidth(HBox.USE_PREF_SIZE);
    StackPane root = new StackPane(view, overlay);
    root.getStyleClass().add("fullscreen-root");
    StackPane.setAlignment(overlay, Pos.TOP_CENTER);
    view.grabbedProperty()
        .addListener((o, was, is) -> overlay.setVisible(!is || overlay.isHover()));
    root.setOnMouseMoved(e -> overlay.setVisible(!view.isFocused() || e.getY() < 48));
    displayPane.getChildren().setAll(new Label("Shown full screen: F11 brings it back here."));
    Stage stage = new Stage();
    stage.initOwner(displayPane.getScene().getWindow());
    stage.setTitle(shown.name() + " — full screen");
    Scene scene = new Scene(root);
    scene.getStylesheets().setAll(displayPane.getScene().getStylesheets());
    if (displayPane.getScene().getRoot() != null) {
      scene.getStylesheets().addAll(displayPane.getScene().getRoot().getStylesheets());
    }
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F11), stage::close);
    stage.setScene(scene);
    // Esc belongs to the guest: only F11 (or the button) leaves full screen
    stage.setFullScreenExitKeyCombination(KeyCombination.NO_MATCH);
    stage.setFullScreenExitHint("");
    // where no window manager makes a full-screen window fill the screen, its size does
    javafx.stage.Window owner = displayPane.getScene().getWindow();
    javafx.geometry.Rectangle2D screen =
        javafx.stage.Screen.getScreensForRectangle(
                owner.getX(),
                owner.getY(),
                Math.max(1, owner.getWidth()),
                Math.max(1, owner.getHeight()))
            .stream()
            .findFirst()
            .orElse(javafx.stage.Screen.getPrimary())
            .getBounds();
    stage.setX(screen.getMinX());
    stage.setY(screen.getMinY());
    stage.setWidth(screen.getWidth());
    stage.setHeight(screen.getHeight());
    stage.setFullScreen(true);
    stage.setOnHidden(
        e -> {
          fullScreen = null;
          fullScreenGrab = null;
          root.getChildren().remove(view);
          if (current == view) {
            displayPane.getChildren().setAll(view);
            view.requestFocus();
          } else if (current == null) {
            displayPane.getChildren().setAll(noDisplay);
          }
        });
    fullScreen = stage;
    showGrab(view.isFocused());
    stage.show();
    view.requestFocus();
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
