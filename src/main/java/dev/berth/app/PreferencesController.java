package dev.berth.app;

import dev.berth.vm.SpecValidator;
import dev.berth.vm.VmAction;
import java.util.EnumMap;
import java.util.Map;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.fxml.FXML;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/**
 * The Preferences form: the power-button timeout new VMs get, the theme, and which actions ask
 * first — where a "don't ask again" is undone. The actions listed are the {@link VmAction} rows
 * that ask.
 */
public final class PreferencesController {
  @FXML private TextField timeout;
  @FXML private Label timeoutError;
  @FXML private VBox confirmations;
  @FXML private javafx.scene.control.ChoiceBox<AppSettings.Theme> theme;
  @FXML private javafx.scene.control.ChoiceBox<AppSettings.OnClose> onClose;

  private final Map<VmAction, CheckBox> asks = new EnumMap<>(VmAction.class);
  private final SimpleBooleanProperty valid = new SimpleBooleanProperty(true);

  @FXML
  void initialize() {
    for (VmAction a : VmAction.values()) {
      if (a.confirm() != null) {
        CheckBox box = new CheckBox(a.shortLabel());
        box.setId("confirm-" + a.verb());
        box.setTooltip(new Tooltip(a.confirm().consequence()));
        asks.put(a, box);
        confirmations.getChildren().add(box);
      }
    }
    timeout.textProperty().addListener((o, was, is) -> validate());
    onClose.getItems().setAll(AppSettings.OnClose.values());
    onClose.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(AppSettings.OnClose c) {
            return c == null ? "" : c.label();
          }

          @Override
          public AppSettings.OnClose fromString(String s) {
            return null;
          }
        });
    theme.getItems().setAll(AppSettings.Theme.values());
    theme.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(AppSettings.Theme t) {
            return t == null ? "" : t.label();
          }

          @Override
          public AppSettings.Theme fromString(String s) {
            return null;
          }
        });
  }

  void setUp(AppSettings settings) {
    timeout.setText(Integer.toString(settings.powerButtonTimeout()));
    asks.forEach((a, box) -> box.setSelected(settings.confirms(a)));
    theme.setValue(settings.theme());
    onClose.setValue(settings.onClose());
  }

  ReadOnlyBooleanProperty validProperty() {
    return valid;
  }

  private void validate() {
    String problem;
    try {
      problem = SpecValidator.timeoutProblem(Integer.parseInt(timeout.getText().trim()));
    } catch (NumberFormatException e) {
      problem = "Enter the timeout as a whole number of seconds";
    }
    timeoutError.setText(problem == null ? "" : problem);
    valid.set(problem == null);
  }

  /** Stores the form in {@code settings}; called only when it is valid. */
  void applyTo(AppSettings settings) {
    settings.setPowerButtonTimeout(Integer.parseInt(timeout.getText().trim()));
    asks.forEach((a, box) -> settings.setConfirms(a, box.isSelected()));
    settings.setTheme(theme.getValue());
    settings.setOnClose(onClose.getValue());
  }
}
