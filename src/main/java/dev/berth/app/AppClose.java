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
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * Closing the window while VMs run, as VirtualBox's close dialog does: it names them and what
 * closing does to each (a bundled VM stops with Berth; a QEMU VM runs on and the next Berth takes
 * it up again), and after "press power button and wait" it shows which VMs are still going down,
 * with Force off and Cancel close, until the last one is off and the window closes.
 */
final class AppClose {
  static final String POWER_BUTTON = "Press power button and wait";
  static final String QUIT = "Quit emulators";
  static final String LEAVE_RUNNING = "Close, leave them running";
  static final String FORCE_OFF = "Force off the rest";
  static final String CANCEL_CLOSE = "Cancel close";

  private final Stage stage;
  private final Supplier<List<VmViewModel>> vms;

  /** The progress of a close under way, or null. */
  private Dialog<ButtonType> pending;

  AppClose(Stage stage, Supplier<List<VmViewModel>> vms) {
    this.stage = stage;
    this.vms = vms;
  }

  /** The window's close request: lets it close, or consumes it and asks. */
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
    List<VmViewModel> all = new java.util.ArrayList<>(dying);
    all.addAll(outliving);
    Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
    alert.initOwner(stage);
    alert.setTitle("VMs are running");
    alert.setHeaderText(names(all) + (all.size() == 1 ? " is" : " are") + " still running");
    VBox lines = new VBox(4);
    for (VmViewModel m : dying) {
      lines
          .getChildren()
          .add(new Label("• " + m.name() + " (" + backend(m) + ") stops with Berth"));
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
                      + "; the next Berth takes it up again"));
    }
    alert.getDialogPane().setContent(lines);
    ButtonType button = new ButtonType(POWER_BUTTON, ButtonBar.ButtonData.YES);
    ButtonType quit = new ButtonType(QUIT, ButtonBar.ButtonData.NO);
    ButtonType leave = new ButtonType(LEAVE_RUNNING, ButtonBar.ButtonData.OK_DONE);
    if (dying.isEmpty()) {
      alert.getButtonTypes().setAll(leave, ButtonType.CANCEL);
    } else {
      alert.getButtonTypes().setAll(button, quit, ButtonType.CANCEL);
      // stopping VMs is never what Enter does
      ((Button) alert.getDialogPane().lookupButton(button)).setDefaultButton(false);
      ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
    }
    ButtonType choice = alert.showAndWait().orElse(ButtonType.CANCEL);
    if (choice == leave) {
      stage.close();
    } else if (choice == button || choice == quit) {
      for (VmViewModel m : dying) {
        m.perform(choice == button ? VmAction.POWER_BUTTON : VmAction.QUIT);
      }
      showProgress(dying, outliving);
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
