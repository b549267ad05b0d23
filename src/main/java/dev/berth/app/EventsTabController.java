package dev.berth.app;

import javafx.fxml.FXML;
import javafx.scene.control.ListView;

/** The Events tab: the selected VM's event log. */
public final class EventsTabController {
  @FXML private ListView<String> eventList;

  void show(VmViewModel model) {
    eventList.setItems(model.events());
  }
}
