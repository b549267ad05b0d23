package dev.berth.app;

import dev.berth.vm.Capability;
import dev.berth.vm.Snapshot;
import dev.berth.vm.VmSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;

/**
 * The Snapshots tab: the selected VM's snapshots (thumbnail, name, time, with memory or disks only,
 * size, description), and Take, Revert and Delete. Every operation runs in the session, off the FX
 * thread, with a spinner meanwhile and its result in one line; where the backend cannot, the
 * buttons are off and the line says why.
 */
public final class SnapshotsTabController {
  @FXML private Button takeButton;
  @FXML private Button revertButton;
  @FXML private Button deleteButton;
  @FXML private ProgressIndicator busy;
  @FXML private Label status;
  @FXML private ListView<Snapshot> list;

  private VmViewModel model;
  private final ChangeListener<Object> changed = (o, was, is) -> refresh();

  @FXML
  void initialize() {
    list.setPlaceholder(new Label("No snapshots yet: Take snapshot… keeps this moment"));
    list.setCellFactory(v -> new SnapshotCell());
    list.getSelectionModel().selectedItemProperty().addListener((o, was, is) -> enable());
    enable();
  }

  void show(VmViewModel next) {
    if (model != null) {
      model.capabilitiesProperty().removeListener(changed);
      model.stateProperty().removeListener(changed);
    }
    model = next;
    model.capabilitiesProperty().addListener(changed);
    model.stateProperty().addListener(changed);
    status.setText("");
    refresh();
  }

  /** Why snapshots cannot be had for this VM, or null. */
  private String unavailable() {
    if (model == null) {
      return "no VM is selected";
    }
    var can = model.capabilitiesProperty().get();
    return can == null || can.contains(Capability.SNAPSHOTS)
        ? null
        : Capability.SNAPSHOTS.missing();
  }

  private void enable() {
    String why = unavailable();
    boolean working = busy.isVisible();
    boolean picked = list.getSelectionModel().getSelectedItem() != null;
    takeButton.setDisable(why != null || working);
    revertButton.setDisable(why != null || working || !picked);
    deleteButton.setDisable(why != null || working || !picked);
    if (why != null) {
      status.setText("Snapshots: " + why);
    }
  }

  /** Reads the list off the FX thread. */
  void refresh() {
    VmViewModel m = model;
    if (m == null) {
      return;
    }
    VmSession session = m.session();
    CompletableFuture.supplyAsync(
            () -> {
              try {
                return session.snapshots();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .whenComplete(
            (all, e) ->
                Platform.runLater(
                    () -> {
                      if (m != model) {
                        return;
                      }
                      Snapshot picked = list.getSelectionModel().getSelectedItem();
                      list.getItems().setAll(all == null ? List.of() : all);
                      if (picked != null) {
                        list.getItems().stream()
                            .filter(s -> s.tag().equals(picked.tag()))
                            .findFirst()
                            .ifPresent(s -> list.getSelectionModel().select(s));
                      }
                      if (e != null) {
                        status.setText("Cannot list the snapshots: " + VmSession.rootMessage(e));
                      }
                      enable();
                    }));
  }

  @FXML
  void take() {
    javafx.scene.control.Dialog<ButtonType> ask = new javafx.scene.control.Dialog<>();
    ask.setTitle("Take snapshot");
    ask.setHeaderText(
        "A snapshot of "
            + model.name()
            + " keeps its disks"
            + (model.stateProperty().get().isActive() ? " and its running machine" : "")
            + " as they are now.");
    javafx.scene.control.TextField name = new javafx.scene.control.TextField(suggestedName());
    name.setId("snapshotName");
    javafx.scene.control.TextField text = new javafx.scene.control.TextField();
    text.setId("snapshotDescription");
    text.setPromptText("what it is for (optional)");
    javafx.scene.layout.GridPane form = new javafx.scene.layout.GridPane();
    form.setHgap(8);
    form.setVgap(8);
    form.addRow(0, new Label("Name:"), name);
    form.addRow(1, new Label("Description:"), text);
    ask.getDialogPane().setContent(form);
    ButtonType takeIt = new ButtonType("Take snapshot", ButtonType.OK.getButtonData());
    ask.getDialogPane().getButtonTypes().addAll(takeIt, ButtonType.CANCEL);
    Button ok = (Button) ask.getDialogPane().lookupButton(takeIt);
    ok.disableProperty()
        .bind(
            javafx.beans.binding.Bindings.createBooleanBinding(
                () -> Snapshot.problem(name.getText().strip()) != null, name.textProperty()));
    ask.initOwner(list.getScene().getWindow());
    Platform.runLater(name::requestFocus);
    if (ask.showAndWait().filter(b -> b == takeIt).isEmpty()) {
      return;
    }
    String tag = name.getText().strip();
    run(
        "Taking snapshot " + tag + "…",
        model.session().takeSnapshot(tag, text.getText().strip()),
        "Took snapshot " + tag);
  }

  @FXML
  void revert() {
    Snapshot s = list.getSelectionModel().getSelectedItem();
    if (s == null || !confirmed("Go back to " + s.tag() + "?", revertConsequence(s))) {
      return;
    }
    run(
        "Going back to " + s.tag() + "…",
        model.session().revertSnapshot(s.tag()),
        "Back at " + s.tag());
  }

  private String revertConsequence(Snapshot s) {
    boolean running = model.stateProperty().get().isActive();
    return running
        ? "What "
            + model.name()
            + " has done since the snapshot (in memory and on its disks) is lost."
        : "Its disks go back to the snapshot"
            + (s.withMemory() ? ", and the next Start goes on from its machine state." : ".");
  }

  @FXML
  void delete() {
    Snapshot s = list.getSelectionModel().getSelectedItem();
    if (s == null || !confirmed("Delete snapshot " + s.tag() + "?", "It cannot be gone back to.")) {
      return;
    }
    run("Deleting " + s.tag() + "…", model.session().deleteSnapshot(s.tag()), "Deleted " + s.tag());
  }

  /** Destructive: Cancel is the default button. */
  private boolean confirmed(String question, String consequence) {
    Alert a =
        new Alert(Alert.AlertType.CONFIRMATION, consequence, ButtonType.OK, ButtonType.CANCEL);
    a.setHeaderText(question);
    a.initOwner(list.getScene().getWindow());
    ((Button) a.getDialogPane().lookupButton(ButtonType.OK)).setDefaultButton(false);
    ((Button) a.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
    return a.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
  }

  private void run(String doing, CompletableFuture<?> work, String done) {
    busy.setVisible(true);
    status.setText(doing);
    enable();
    VmViewModel m = model;
    work.whenComplete(
        (ok, e) ->
            Platform.runLater(
                () -> {
                  busy.setVisible(false);
                  if (m == model) {
                    status.setText(e == null ? done : VmSession.rootMessage(e));
                  }
                  refresh();
                }));
  }

  private String suggestedName() {
    return "snapshot-" + (list.getItems().size() + 1);
  }

  /** Thumbnail, then the name in bold and what it holds under it. */
  private static final class SnapshotCell extends ListCell<Snapshot> {
    private final ImageView thumb = new ImageView();
    private final Label title = new Label();
    private final Label detail = new Label();
    private final javafx.scene.layout.HBox row =
        new javafx.scene.layout.HBox(8, thumb, new javafx.scene.layout.VBox(2, title, detail));

    SnapshotCell() {
      thumb.setFitWidth(96);
      thumb.setFitHeight(72);
      thumb.setPreserveRatio(true);
      title.getStyleClass().add("snapshot-title");
      detail.getStyleClass().add("snapshot-detail");
    }

    @Override
    protected void updateItem(Snapshot s, boolean empty) {
      super.updateItem(s, empty);
      if (empty || s == null) {
        setGraphic(null);
        return;
      }
      title.setText(s.tag());
      String all = s.describe();
      detail.setText(all.substring(Math.min(all.length(), s.tag().length() + 2)));
      thumb.setImage(
          s.thumbnail() == null ? null : new Image(s.thumbnail().toUri().toString(), true));
      setGraphic(row);
    }
  }
}
