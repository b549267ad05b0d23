package dev.berth.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import javafx.fxml.FXMLLoader;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.stage.Window;

/** Opens Connect to host…; Connect stays disabled until the URI is one libvirt could take. */
final class ConnectDialog {
  static final ButtonType CONNECT = new ButtonType("Connect", ButtonBar.ButtonData.OK_DONE);

  private ConnectDialog() {}

  static Optional<String> show(Window owner) {
    FXMLLoader loader = new FXMLLoader(ConnectDialog.class.getResource("connect-dialog.fxml"));
    Node form;
    try {
      form = loader.load();
    } catch (IOException e) {
      throw new UncheckedIOException("connect-dialog.fxml is missing from this build", e);
    }
    ConnectDialogController controller = loader.getController();
    Dialog<String> dialog = new Dialog<>();
    dialog.initOwner(owner);
    dialog.setTitle("Connect to host");
    dialog.getDialogPane().setContent(form);
    dialog
        .getDialogPane()
        .getStylesheets()
        .add(ConnectDialog.class.getResource("berth.css").toExternalForm());
    dialog.getDialogPane().getButtonTypes().setAll(CONNECT, ButtonType.CANCEL);
    dialog
        .getDialogPane()
        .lookupButton(CONNECT)
        .disableProperty()
        .bind(controller.validProperty().not());
    dialog.setResultConverter(b -> b == CONNECT ? controller.uri() : null);
    return dialog.showAndWait();
  }
}
