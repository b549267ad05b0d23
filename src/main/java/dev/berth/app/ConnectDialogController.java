package dev.berth.app;

import dev.berth.vm.KnownHosts;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.fxml.FXML;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;

/** The Connect to host… form: the URI and why it cannot be used yet. */
public final class ConnectDialogController {
  static final java.util.List<String> SUGGESTIONS =
      java.util.List.of("qemu:///system", "qemu:///session", "qemu+ssh://root@HOST/system");

  @FXML private ComboBox<String> uri;
  @FXML private Label error;
  private final SimpleBooleanProperty valid = new SimpleBooleanProperty();

  @FXML
  void initialize() {
    uri.getItems().setAll(SUGGESTIONS);
    uri.getEditor().textProperty().addListener((o, was, is) -> check(is));
    uri.getEditor().setText(SUGGESTIONS.get(0));
  }

  private void check(String text) {
    String why = KnownHosts.problem(text.trim());
    error.setText(why == null ? "" : why);
    valid.set(why == null);
  }

  ReadOnlyBooleanProperty validProperty() {
    return valid;
  }

  String uri() {
    return uri.getEditor().getText().trim();
  }
}
