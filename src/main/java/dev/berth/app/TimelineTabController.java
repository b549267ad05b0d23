package dev.berth.app;

import javafx.fxml.FXML;
import javafx.scene.layout.StackPane;

/** The Timeline tab: every run of the selected VM as coloured segments. */
public final class TimelineTabController {
  @FXML private StackPane timelinePane;

  private final TimelineView timeline = new TimelineView();

  @FXML
  void initialize() {
    timelinePane.getChildren().add(timeline);
  }

  void show(VmViewModel model) {
    timeline.setRuns(model.runs(), model::isActive);
  }

  /** The open segment of a running VM grows: the window redraws it once a second. */
  void redraw() {
    timeline.redraw();
  }
}
