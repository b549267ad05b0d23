package dev.berth.app;

import dev.berth.vm.SpecValidator;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.fxml.FXMLLoader;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.stage.Window;

/** Opens the New/Edit VM form and the Preferences; OK stays disabled until every field is valid. */
final class VmDialog {
  private VmDialog() {}

  static Optional<VmSpec> show(
      Window owner,
      String title,
      VmSpec initial,
      boolean nameEditable,
      boolean running,
      SpecValidator validator,
      Collection<String> otherNames) {
    FXMLLoader loader = load("vm-dialog.fxml");
    VmDialogController controller = loader.getController();
    controller.setUp(initial, validator, otherNames, running);
    Node form = loader.getRoot();
    form.lookup("#name").setDisable(!nameEditable);
    Dialog<VmSpec> dialog = dialog(owner, title, form, controller.validProperty());
    dialog.setResultConverter(b -> b == ButtonType.OK ? controller.spec() : null);
    return dialog.showAndWait();
  }

  /** The Preferences form; OK stores it in {@code settings}. */
  static void showPreferences(Window owner, AppSettings settings) {
    FXMLLoader loader = load("preferences.fxml");
    PreferencesController controller = loader.getController();
    controller.setUp(settings);
    Dialog<Boolean> dialog =
        dialog(owner, "Preferences", loader.getRoot(), controller.validProperty());
    dialog.setResultConverter(b -> b == ButtonType.OK);
    if (dialog.showAndWait().orElse(false)) {
      controller.applyTo(settings);
      javafx.application.Application.setUserAgentStylesheet(settings.theme().stylesheet());
    }
  }

  private static FXMLLoader load(String fxml) {
    FXMLLoader loader = new FXMLLoader(VmDialog.class.getResource(fxml));
    try {
      loader.load();
    } catch (IOException e) {
      throw new UncheckedIOException(fxml + " is missing from this build", e);
    }
    return loader;
  }

  /** A dialog around {@code form} with OK (enabled while {@code valid}) and Cancel. */
  private static <T> Dialog<T> dialog(
      Window owner, String title, Node form, ReadOnlyBooleanProperty valid) {
    Dialog<T> dialog = new Dialog<>();
    dialog.initOwner(owner);
    dialog.setTitle(title);
    dialog.getDialogPane().setContent(form);
    dialog
        .getDialogPane()
        .getStylesheets()
        .add(VmDialog.class.getResource("berth.css").toExternalForm());
    dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
    dialog.getDialogPane().lookupButton(ButtonType.OK).disableProperty().bind(valid.not());
    return dialog;
  }
}
