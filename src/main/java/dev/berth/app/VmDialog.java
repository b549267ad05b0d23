package dev.berth.app;

import dev.berth.vm.SpecValidator;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Optional;
import javafx.fxml.FXMLLoader;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.stage.Window;

/** Opens the New/Edit VM form; OK stays disabled until every field is valid. */
final class VmDialog {
  private VmDialog() {}

  static Optional<VmSpec> show(
      Window owner,
      String title,
      VmSpec initial,
      boolean nameEditable,
      SpecValidator validator,
      Collection<String> otherNames) {
    FXMLLoader loader = new FXMLLoader(VmDialog.class.getResource("vm-dialog.fxml"));
    Node form;
    try {
      form = loader.load();
    } catch (IOException e) {
      throw new UncheckedIOException("vm-dialog.fxml is missing from this build", e);
    }
    VmDialogController controller = loader.getController();
    controller.setUp(initial, validator, otherNames);
    form.lookup("#name").setDisable(!nameEditable);

    Dialog<VmSpec> dialog = new Dialog<>();
    dialog.initOwner(owner);
    dialog.setTitle(title);
    dialog.getDialogPane().setContent(form);
    dialog
        .getDialogPane()
        .getStylesheets()
        .add(VmDialog.class.getResource("berth.css").toExternalForm());
    dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
    dialog
        .getDialogPane()
        .lookupButton(ButtonType.OK)
        .disableProperty()
        .bind(controller.validProperty().not());
    dialog.setResultConverter(b -> b == ButtonType.OK ? controller.spec() : null);
    return dialog.showAndWait();
  }
}
