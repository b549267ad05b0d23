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
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.FileChooser;

/**
 * The New/Edit VM form: validates as the user types and shows each problem next to its field;
 * nothing is clamped or fixed silently.
 */
public final class VmDialogController {
  /** The architectures the validator knows, the bundled core's first. */
  private static final List<String> ARCHES = List.of("riscv64", "x86_64");

  @FXML private Label runningNote;
  @FXML private TextField name;
  @FXML private ChoiceBox<VmSpec.Backend> backend;
  @FXML private ChoiceBox<String> arch;
  @FXML private TextField machine;
  @FXML private TextField cpus;
  @FXML private TextField memory;
  @FXML private TextField kernel;
  @FXML private TextField initrd;
  @FXML private TextField append;
  @FXML private TextField bios;
  @FXML private TextArea disks;
  @FXML private TextField cdrom;
  @FXML private TextField timeout;
  @FXML private ChoiceBox<VmSpec.Accel> accel;
  @FXML private Button browseKernel;
  @FXML private Button browseInitrd;
  @FXML private Button browseBios;
  @FXML private Button browseDisk;
  @FXML private Button browseCdrom;
  @FXML private Label nameError;
  @FXML private Label backendError;
  @FXML private Label archError;
  @FXML private Label memoryError;
  @FXML private Label kernelError;
  @FXML private Label initrdError;
  @FXML private Label biosError;
  @FXML private Label disksError;
  @FXML private Label cdromError;
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
    // a libvirt domain comes from its host (Connect to host…), not from this form
    backend.getItems().setAll(VmSpec.Backend.BUNDLED, VmSpec.Backend.QEMU);
    backend.setConverter(
        converter(b -> Character.toUpperCase(b.label().charAt(0)) + b.label().substring(1)));
    arch.getItems().setAll(ARCHES);
    for (javafx.scene.control.TextInputControl f :
        List.of(name, memory, kernel, initrd, append, bios, timeout, machine, cpus, disks, cdrom)) {
      f.textProperty().addListener((o, was, is) -> validate());
    }
    backend.valueProperty().addListener((o, was, is) -> validate());
    arch.valueProperty().addListener((o, was, is) -> validate());
    accel.getItems().setAll(VmSpec.Accel.values());
    accel.setConverter(
        converter(
            a ->
                switch (a) {
                  case AUTO -> "Auto (KVM when it works here)";
                  case KVM -> "KVM";
                  case TCG -> "TCG (software)";
                }));
    accel.valueProperty().addListener((o, was, is) -> validate());
  }

  /** Shows values in words; the choice boxes never parse text. */
  private static <T> javafx.util.StringConverter<T> converter(
      java.util.function.Function<T, String> words) {
    return new javafx.util.StringConverter<>() {
      @Override
      public String toString(T value) {
        return value == null ? "" : words.apply(value);
      }

      @Override
      public T fromString(String s) {
        return null;
      }
    };
  }

  /**
   * @param running the VM runs now: the form says its changes apply at the next start
   */
  void setUp(
      VmSpec initial, SpecValidator validator, Collection<String> otherNames, boolean running) {
    this.validator = validator;
    this.otherNames = otherNames;
    this.initial = initial;
    runningNote.setText(
        initial.name()
            + " is running: these changes apply the next time it starts, not to this run.");
    runningNote.setVisible(running);
    runningNote.setManaged(running);
    name.setText(initial.name());
    backend.setValue(initial.backend());
    arch.setValue(initial.arch());
    machine.setText(initial.machine() == null ? "" : initial.machine());
    cpus.setText(Integer.toString(initial.cpus()));
    memory.setText(Integer.toString(initial.memoryMiB()));
    kernel.setText(initial.kernel() == null ? "" : initial.kernel());
    initrd.setText(initial.initrd() == null ? "" : initial.initrd());
    append.setText(initial.append());
    bios.setText(initial.bios() == null ? "" : initial.bios());
    disks.setText(String.join("\n", initial.disks()));
    cdrom.setText(initial.cdrom() == null ? "" : initial.cdrom());
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
    Integer cpuCount = number(cpus.getText());
    VmSpec candidate =
        new VmSpec(
            name.getText().trim(),
            backend.getValue(),
            mem == null ? 0 : mem,
            kernel.getText().trim(),
            initrd.getText().trim(),
            append.getText(),
            bios.getText().trim(),
            disks.getText().lines().map(String::trim).filter(d -> !d.isEmpty()).toList(),
            secs == null ? 0 : secs,
            VmSpec.SCHEMA_VERSION,
            arch.getValue(),
            machine.getText().trim(),
            cpuCount == null ? 0 : cpuCount,
            cdrom.getText().trim(),
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
    if (cpuCount == null || cpuCount < 1) {
      // VmSpec reads 0 as 1; the form never fixes a value silently
      errors.put(SpecValidator.CPUS, "Enter the CPUs as a whole number, at least 1");
    }
    show(nameError, errors.get(SpecValidator.NAME));
    show(backendError, errors.get(SpecValidator.BACKEND));
    // architecture, machine and CPUs share a row, and so their errors
    show(
        archError,
        joined(
            errors.get(SpecValidator.ARCH),
            errors.get(SpecValidator.MACHINE),
            errors.get(SpecValidator.CPUS)));
    show(memoryError, errors.get(SpecValidator.MEMORY));
    show(kernelError, errors.get(SpecValidator.KERNEL));
    show(initrdError, errors.get(SpecValidator.INITRD));
    show(biosError, errors.get(SpecValidator.BIOS));
    show(disksError, errors.get(SpecValidator.DISKS));
    show(cdromError, errors.get(SpecValidator.CDROM));
    show(timeoutError, errors.get(SpecValidator.POWER_BUTTON_TIMEOUT));
    show(accelError, errors.get(SpecValidator.ACCEL));
    valid.set(errors.isEmpty());
    spec = errors.isEmpty() ? candidate : null;
  }

  private static String joined(String... problems) {
    return String.join(
        "; ", java.util.Arrays.stream(problems).filter(java.util.Objects::nonNull).toList());
  }

  private static void show(Label label, String error) {
    label.setText(error == null ? "" : error);
  }

  /** Each Browse button fills its own field; the disks' adds a line. */
  @FXML
  void browse(javafx.event.ActionEvent e) {
    Object source = e.getSource();
    FileChooser chooser = new FileChooser();
    chooser.setTitle(
        source == browseKernel
            ? "Kernel or ELF program"
            : source == browseInitrd
                ? "Initial ramdisk"
                : source == browseBios
                    ? "Firmware"
                    : source == browseDisk ? "Raw disk image" : "CD-ROM image");
    File f = chooser.showOpenDialog(kernel.getScene().getWindow());
    if (f == null) {
      return;
    }
    String path = f.getAbsolutePath();
    if (source == browseDisk) {
      disks.setText(
          disks.getText().isBlank() ? path : disks.getText().stripTrailing() + "\n" + path);
    } else {
      (source == browseKernel
              ? kernel
              : source == browseInitrd ? initrd : source == browseBios ? bios : cdrom)
          .setText(path);
    }
  }
}
