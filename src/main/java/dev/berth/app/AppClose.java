package dev.berth.app;

import dev.berth.vm.VmAction;
import dev.berth.vm.VmSpec;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.InvalidationListener;
import javafx.event.ActionEvent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * Closing the window while VMs run, as VirtualBox's close dialog does: it names them and what
 * closing does to each (a bundled VM stops with Berth; a QEMU VM runs on and the next Berth takes
 * it up again), offers Save state where a VM's backend can save, and after "press power button and
 * wait" or Save state it shows which VMs are still going down, with Force off and Cancel close,
 * until the last one is off and the window closes. Preferences (or "do this every time") can make
 * it do one of these without asking.
 */
final class AppClose {
  static final String POWER_BUTTON = "Press power button and wait";
  static final String QUIT = "Quit emulators";
  static final String SAVE_STATE = "Save state";
  static final String LEAVE_RUNNING = "Close, leave them running";
  static final String FORCE_OFF = "Force off the rest";
  static final String CANCEL_CLOSE = "Cancel close";
  static final String EVERY_TIME = "Do this every time (Preferences can change it)";

  private final Stage stage;
  private final Supplier<List<VmViewModel>> vms;
  private final AppSettings settings;

  /** The progress of a close under way, or null. */
  private Dialog<ButtonType> pending;

  AppClose(Stage stage, Supplier<List<VmViewModel>> vms, AppSettings settings) {
    this.stage = stage;
    this.vms = vms;
    this.settings = settings;
  }

  /** Whether {@code m} can save its state now (its backend can, and it runs or is paused). */
  private static boolean canSave(VmViewModel m) {
    return m.isActive() && m.disabledReason(VmAction.SAVE_STATE) == null;
  }

  /** The window's close request: lets it close, or consumes it and asks (or does as told). */
  void requested(WindowEvent e) {
    if (pending != null) {
      e.consume(); // a close is under way: show where it stands, do not ask again
      pending.show();
      pending.getDialogPane().getScene().getWindow().requestFocus();
      return;
    }
    List<VmViewModel> dying = vms.get().stream().filter(VmViewModel::diesWithApp).toList();
    List<VmViewModel> outliving =
        vms.get().stream().filter(m -> m.isActive() && !m.diesWithApp()).toList();
    if (dying.isEmpty() && outliving.isEmpty()) {
      return;
    }
    e.consume();
    switch (settings.onClose()) {
      case SAVE_STATE -> saveAndClose(dying, outliving);
      case POWER_BUTTON -> {
        if (dying.isEmpty()) {
          stage.close();
        } else {
          stopAndClose(dying, outliving, VmAction.POWER_BUTTON);
        }
      }
      case LEAVE_RUNNING -> {
        if (dying.isEmpty()) {
          stage.close();
        } else {
          ask(dying, outliving);
        }
      }
      case ASK -> ask(dying, outliving);
    }
  }

  private void ask(List<VmViewModel> dying, List<VmViewModel> outliving) {
    List<VmViewModel> all = new java.util.ArrayList<>(dying);
    all.addAll(outliving);
    boolean saving = all.stream().anyMatch(AppClose::canSave);
    Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
    alert.initOwner(stage);
    alert.setTitle("VMs are running");
    alert.setHeaderText(names(all) + (all.size() == 1 ? " is" : " are") + " still running");
    VBox lines = new VBox(4);
    for (VmViewModel m : dying) {
      lines
          .getChildren()
          .add(
              new Label(
                  "• "
                      + m.name()
                      + " ("
                      + backend(m)
                      + ") stops with Berth"
                      + (canSave(m) ? "; Save state keeps it as it is for its next start" : "")));
    }
    for (VmViewModel m : outliving) {
      lines
          .getChildren()
          .add(
              new Label(
                  "• "
                      + m.name()
                      + " keeps running on "
                      + backend(m)
                      + "; the next Berth takes it up again"
                      + (canSave(m) ? " (or Save state stops it where it is)" : "")));
    }
    CheckBox everyTime = new CheckBox(EVERY_TIME);
    everyTime.setId("closeEveryTime");
    lines.getChildren().add(everyTime);
    alert.getDialogPane().setContent(lines);
    ButtonType button = new ButtonType(POWER_BUTTON, ButtonBar.ButtonData.YES);
    ButtonType quit = new ButtonType(QUIT, ButtonBar.ButtonData.NO);
    ButtonType save = new ButtonType(SAVE_STATE, ButtonBar.ButtonData.OTHER);
    ButtonType leave = new ButtonType(LEAVE_RUNNING, ButtonBar.ButtonData.OK_DONE);
    List<ButtonType> choices = new java.util.ArrayList<>();
    if (saving) {
      choices.add(save);
    }
    if (dying.isEmpty()) {
      choices.add(leave);
    } else {
      choices.add(button);
      choices.add(quit);
    }
    choices.add(ButtonType.CANCEL);
    alert.getButtonTypes().setAll(choices);
    // stopping VMs is never what Enter does
    for (ButtonType b : choices) {
      ((Button) alert.getDialogPane().lookupButton(b)).setDefaultButton(b == ButtonType.CANCEL);
    }
    ButtonType choice = alert.showAndWait().orElse(ButtonType.CANCEL);
    if (choice == ButtonType.CANCEL) {
      return;
    }
    if (everyTime.isSelected()) {
      if (choice == save) {
        settings.setOnClose(AppSettings.OnClose.SAVE_STATE);
      } else if (choice == button) {
        settings.setOnClose(AppSettings.OnClose.POWER_BUTTON);
      } else if (choice == leave) {
        settings.setOnClose(AppSettings.OnClose.LEAVE_RUNNING);
      }
    }
    if (choice == leave) {
      stage.close();
    } else if (choice == save) {
      saveAndClose(dying, outliving);
    } else if (choice == button || choice == quit) {
      stopAndClose(dying, outliving, choice == button ? VmAction.POWER_BUTTON : VmAction.QUIT);
    }
  }

  /** Presses {@code how} on every VM that stops with Berth, then waits for them. */
  private void stopAndClose(List<VmViewModel> dying, List<VmViewModel> outliving, VmAction how) {
    for (VmViewModel m : dying) {
      m.perform(how);
    }
    showProgress(dying, outliving);
  }

  /**
   * Saves every VM that can save its state; the others that stop with Berth get the power button,
   * and the others that outlive it run on.
   */
  private void saveAndClose(List<VmViewModel> dying, List<VmViewModel> outliving) {
    List<VmViewModel> going = new java.util.ArrayList<>();
    List<VmViewModel> staying = new java.util.ArrayList<>();
    for (VmViewModel m : dying) {
      m.perform(canSave(m) ? VmAction.SAVE_STATE : VmAction.POWER_BUTTON);
      going.add(m);
    }
    for (VmViewModel m : outliving) {
      if (canSave(m)) {
        m.perform(VmAction.SAVE_STATE);
        going.add(m);
      } else {
        staying.add(m);
      }
    }
    if (going.isEmpty()) {
      stage.close();
    } else {
      showProgress(going, staying);
    }
  }

  /** Which VMs are still going down; the window closes when none is. */
  private void showProgress(List<VmViewModel> dying, List<VmViewModel> outliving) {
    Dialog<ButtonType> dialog = new Dialog<>();
    dialog.initOwner(stage);
    dialog.initModality(Modality.NONE); // the console and the power menu stay usable
    dialog.setTitle("Closing Berth");
    dialog.setHeaderText("Berth closes once these VMs are off");
    VBox lines = new VBox(4);
    lines.getStyleClass().add("closing-progress");
    Runnable update =
        () -> {
          lines.getChildren().clear();
          for (VmViewModel m : dying) {
            if (m.isActive()) {
              int waited = m.waitedSecondsProperty().get();
              Label line =
                  new Label(
                      m.name()
                          + ": "
                          + m.stateProperty().get().label()
                          + (waited >= 0 ? ", " + waited + " s" : ""));
              lines.getChildren().add(line);
            }
          }
          if (!outliving.isEmpty()) {
            lines.getChildren().add(new Label(names(outliving) + ": keeps running"));
          }
        };
    ButtonType force = new ButtonType(FORCE_OFF, ButtonBar.ButtonData.OTHER);
    ButtonType cancel = new ButtonType(CANCEL_CLOSE, ButtonBar.ButtonData.CANCEL_CLOSE);
    dialog.getDialogPane().setContent(lines);
    dialog.getDialogPane().getButtonTypes().setAll(force, cancel);
    // Force off acts and leaves the dialog up: the VMs still take a moment to go
    dialog
        .getDialogPane()
        .lookupButton(force)
        .addEventFilter(
            ActionEvent.ACTION,
            ev -> {
              ev.consume();
              dying.stream()
                  .filter(VmViewModel::isActive)
                  .forEach(m -> m.perform(VmAction.FORCE_OFF));
            });
    InvalidationListener changed =
        o -> {
          if (pending != dialog) {
            return;
          }
          update.run();
          if (dying.stream().noneMatch(VmViewModel::isActive)) {
            pending = null;
            dialog.close();
            stage.close();
          }
        };
    for (VmViewModel m : dying) {
      m.stateProperty().addListener(changed);
      m.waitedSecondsProperty().addListener(changed);
    }
    dialog.setOnHidden(
        ev -> {
          pending = null; // Cancel close, or the dialog's own close box: the app stays
          for (VmViewModel m : dying) {
            m.stateProperty().removeListener(changed);
            m.waitedSecondsProperty().removeListener(changed);
          }
        });
    pending = dialog;
    update.run();
    dialog.show();
    changed.invalidated(null); // they may all be off already
  }

  private static String backend(VmViewModel m) {
    VmSpec.Backend b = m.spec().backend();
    return b == VmSpec.Backend.BUNDLED ? "the " + b.label() : b.label();
  }

  /** "demo", "demo and linux", "demo, linux and x86". */
  static String names(List<VmViewModel> vms) {
    List<String> n = vms.stream().map(VmViewModel::name).toList();
    if (n.size() == 1) {
      return n.get(0);
    }
    return String.join(", ", n.subList(0, n.size() - 1)) + " and " + n.get(n.size() - 1);
  }
}
