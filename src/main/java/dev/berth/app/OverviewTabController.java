package dev.berth.app;

import dev.berth.vm.VmSpec;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.Label;

/** The Overview tab: the VM's settings, its emulator and accelerator, statistics, the agent. */
public final class OverviewTabController {
  @FXML private Label overviewSpec;
  @FXML private Label overviewStats;
  @FXML private Label overviewAgent;
  @FXML private Label overviewEmulator;
  @FXML private Label overviewAccel;

  void show(VmViewModel model) {
    overviewStats.textProperty().bind(model.statsProperty());
    overviewEmulator.textProperty().bind(Bindings.concat("Emulator: ", model.emulatorProperty()));
    overviewAccel
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    model.acceleratorProperty().get().isEmpty()
                        ? ""
                        : "Accelerator: " + model.acceleratorProperty().get(),
                model.acceleratorProperty()));
    overviewAgent
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    model.agentProperty().get().isEmpty()
                        ? "Guest agent: shown while the VM runs"
                        : model.agentProperty().get(),
                model.agentProperty()));
    showSpec(model);
  }

  /** After an edit: the settings as saved. */
  void showSpec(VmViewModel model) {
    VmSpec c = model.spec();
    overviewSpec.setText(
        String.format(
            "Name:      %s%nBackend:   %s%nMemory:    %d MiB%n"
                + "Kernel:    %s%nCommand:   %s%nPower-button timeout: %d s",
            model.name(),
            c.backend() == VmSpec.Backend.BUNDLED
                ? "bundled core (RV64IMAFDC, Berth board)"
                : "QEMU, "
                    + c.arch()
                    + " "
                    + (c.machine() == null ? "(default machine)" : c.machine()),
            c.memoryMiB(),
            c.kernel(),
            !c.append().isEmpty()
                ? c.append()
                : c.bundledGuest() != null ? "(the bundled guest's own)" : "(none)",
            model.buttonTimeoutSeconds()));
  }
}
