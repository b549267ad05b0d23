package dev.berth.app;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;

/**
 * The Timeline tab: every run of the selected VM as coloured segments, the latest {@link
 * TimelineView#MAX_RUNS} at first, all the history keeps with "Show older runs".
 */
public final class TimelineTabController {
  @FXML private ScrollPane timelineScroll;
  @FXML private ToggleButton olderRuns;
  @FXML private Label olderNote;

  private final TimelineView timeline = new TimelineView();
  private final ListChangeListener<dev.berth.vm.Run> count = c -> showCount();
  private ObservableList<dev.berth.vm.Run> runs;

  @FXML
  void initialize() {
    timeline.setId("timeline");
    timelineScroll.setContent(timeline);
  }

  void show(VmViewModel model) {
    if (runs != null) {
      runs.removeListener(count);
    }
    runs = model.runs();
    runs.addListener(count);
    timeline.setRuns(model.runs(), model::isActive);
    showCount();
  }

  @FXML
  void toggleOlder() {
    timeline.setAllRuns(olderRuns.isSelected());
    showCount();
  }

  private void showCount() {
    int hidden = timeline.hiddenRuns();
    olderRuns.setDisable(hidden == 0);
    olderNote.setText(
        hidden == 0
            ? ""
            : olderRuns.isSelected()
                ? "all " + runs.size() + " runs"
                : hidden + " older run" + (hidden == 1 ? "" : "s") + " not shown");
  }

  /** The open segment of a running VM grows: the window redraws it once a second. */
  void redraw() {
    timeline.redraw();
  }
}
