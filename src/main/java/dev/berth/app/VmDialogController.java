package dev.berth.app;

import dev.berth.vm.SpecValidator;
import dev.berth.vm.VmSpec;
import java.io.File;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.fxml.FXML;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.FileChooser;

/**
 * The New/Edit VM form: validates as the user types and shows each problem next to its field;
 * nothing is clamped or fixed silently.
 */
public final class VmDialogController {
  @FXML private TextField name;
  @FXML private ChoiceBox<VmSpec.Backend> backend;
  @FXML private TextField memory;
  @FXML private TextField kernel;
  @FXML private TextField initrd;
  @FXML private TextField append;
  @FXML private TextField bios;
  @FXML private TextField timeout;
  @FXML private ChoiceBox<VmSpec.Accel> accel;
  @FXML private Label nameError;
  @FXML private Label backendError;
  @FXML private Label memoryError;
  @FXML private Label kernelError;
  @FXML private Label initrdError;
  @FXML private Label biosError;
  @FXML private Label timeoutError;
  @FXML private Label accelError;

  private final SimpleBooleanProperty valid = new SimpleBooleanProperty(false);
  private SpecValidator validator;
  private Collection<String> otherNames = List.of();
  private VmSpec spec;

  /** The fields the dialog does not show are kept from here. */
  private VmSpec initial = VmSpec.defaultDemo();

  @FXML
  void initialize() {
    backend.getItems().setAll(VmSpec.Backend.values());
    for (TextField f : List.of(name, memory, kernel, initrd, append, bios, timeout)) {
      f.textProperty().addListener((o, was, is) -> validate());
    }
    backend.valueProperty().addListener((o, was, is) -> validate());
    accel.getItems().setAll(VmSpec.Accel.values());
    accel.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(VmSpec.Accel a) {
            return a == null
                ? ""
                : switch (a) {
                  case AUTO -> "Auto (KVM when it works here)";
                  case KVM -> "KVM";
                  case TCG -> "TCG (software)";
                };
          }

          @Override
          public VmSpec.Accel fromString(String s) {
            return null;
          }
        });
    accel.valueProperty().addListener((o, was, is) -> validate());
  }

  void setUp(VmSpec initial, SpecValidator validator, Collection<String> otherNames) {
    this.validator = validator;
    this.otherNames = otherNames;
    this.initial = initial;
    name.setText(initial.name());
    backend.setValue(initial.backend());
    memory.setText(Integer.toString(initial.memoryMiB()));
    kernel.setText(initial.kernel() == null ? "" : initial.kernel());
    initrd.setText(initial.initrd() == null ? "" : initial.initrd());
    append.setText(initial.append());
    bios.setText(initial.bios() == null ? "" : initial.bios());
    timeout.setText(Integer.toString(initial.powerButtonTimeoutSeconds()));
    accel.setValue(initial.accel());
    validate();
  }

  ReadOnlyBooleanProperty validProperty() {
    return valid;
  }

  /** The spec as entered, when valid. */
  VmSpec spec() {
    return spec;
  }

  /** A whole number, or null if the text is not one. */
  private static Integer number(String text) {
    try {
      return Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void validate() {
    if (validator == null) {
      return;
    }
    Integer mem = number(memory.getText());
    Integer secs = number(timeout.getText());
    VmSpec candidate =
        new VmSpec(
            name.getText().trim(),
            backend.getValue(),
            mem == null ? 0 : mem,
            kernel.getText().trim(),
            initrd.getText().trim(),
            append.getText(),
            bios.getText().trim(),
            initial.disks(),
            secs == null ? 0 : secs,
            VmSpec.SCHEMA_VERSION,
            initial.arch(),
            initial.machine(),
            initial.cpus(),
            initial.cdrom(),
            accel.getValue(),
            initial.connection());
    Map<String, String> errors = new java.util.HashMap<>(validator.validate(candidate, otherNames));
    if (mem == null) {
      errors.put(SpecValidator.MEMORY, "Enter the memory as a whole number of MiB");
    }
    if (secs == null) {
      errors.put(
          SpecValidator.POWER_BUTTON_TIMEOUT, "Enter the timeout as a whole number of seconds");
    }
    show(nameError, errors.get(SpecValidator.NAME));
    show(backendError, errors.get(SpecValidator.BACKEND));
    show(memoryError, errors.get(SpecValidator.MEMORY));
    show(kernelError, errors.get(SpecValidator.KERNEL));
    show(initrdError, errors.get(SpecValidator.INITRD));
    show(biosError, errors.get(SpecValidator.BIOS));
    show(timeoutError, errors.get(SpecValidator.POWER_BUTTON_TIMEOUT));
    show(accelError, errors.get(SpecValidator.ACCEL));
    valid.set(errors.isEmpty());
    spec = errors.isEmpty() ? candidate : null;
  }

  private static void show(Label label, String error) {
    label.setText(error == null ? "" : error);
  }

  @FXML
  void browseKernel() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Kernel or ELF program");
    File f = chooser.showOpenDialog(kernel.getScene().getWindow());
    if (f != null) {
      kernel.setText(f.getAbsolutePath());
    }
  }
}
