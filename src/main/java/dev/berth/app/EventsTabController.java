package dev.berth.app;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;

/**
 * The Events tab: the selected VM's event log as a table (time, event, who asked, details), the
 * newest at the bottom; the selected row's raw line (QEMU's JSON, indented) in an expandable pane
 * under it.
 */
public final class EventsTabController {
  @FXML private TableView<EventRow> eventTable;
  @FXML private TableColumn<EventRow, String> timeColumn;
  @FXML private TableColumn<EventRow, String> eventColumn;
  @FXML private TableColumn<EventRow, String> whoColumn;
  @FXML private TableColumn<EventRow, String> detailsColumn;
  @FXML private TitledPane rawPane;
  @FXML private TextArea rawText;

  private ObservableList<String> shown;
  private final ListChangeListener<String> follow = c -> follow();

  @FXML
  void initialize() {
    timeColumn.setCellValueFactory(r -> new ReadOnlyStringWrapper(r.getValue().time()));
    eventColumn.setCellValueFactory(r -> new ReadOnlyStringWrapper(r.getValue().event()));
    whoColumn.setCellValueFactory(r -> new ReadOnlyStringWrapper(r.getValue().who()));
    detailsColumn.setCellValueFactory(r -> new ReadOnlyStringWrapper(r.getValue().details()));
    eventTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    eventTable.setPlaceholder(new javafx.scene.control.Label("No events yet: start the VM"));
    eventTable
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, is) -> {
              rawText.setText(is == null ? "" : is.pretty());
              if (is != null && was == null) {
                rawPane.setExpanded(true);
              }
            });
  }

  void show(VmViewModel model) {
    if (shown != null) {
      shown.removeListener(follow);
    }
    shown = model.events();
    shown.addListener(follow);
    eventTable.getItems().setAll(shown.stream().map(EventRow::of).toList());
    rawText.setText("");
  }

  /** New lines are appended; the log only grows, or starts afresh with a new run. */
  private void follow() {
    int have = eventTable.getItems().size();
    if (shown.size() < have) {
      eventTable.getItems().setAll(shown.stream().map(EventRow::of).toList());
      return;
    }
    for (int i = have; i < shown.size(); i++) {
      eventTable.getItems().add(EventRow.of(shown.get(i)));
    }
  }
}
