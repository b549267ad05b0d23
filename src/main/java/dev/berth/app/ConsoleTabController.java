package dev.berth.app;

import dev.berth.app.terminal.TerminalView;
import java.util.HashMap;
import java.util.Map;
import javafx.fxml.FXML;
import javafx.scene.layout.BorderPane;

/** The Console tab: one terminal per VM, so a VM not on screen keeps its console. */
public final class ConsoleTabController {
  @FXML private BorderPane consolePane;

  private final Map<VmViewModel, TerminalView> terminals = new HashMap<>();

  /** The VM's terminal, made (and fed from its console) the first time it is asked for. */
  TerminalView terminalFor(VmViewModel model) {
    return terminals.computeIfAbsent(
        model,
        m -> {
          TerminalView view = new TerminalView();
          view.getStyleClass().add("console");
          view.setInputHandler(m::type);
          m.setConsoleSink(view::feed);
          return view;
        });
  }

  void show(VmViewModel model) {
    consolePane.setCenter(terminalFor(model));
  }

  /** Gives the selected VM's terminal the keyboard (after Start, typing goes to the guest). */
  void focus(VmViewModel model) {
    terminalFor(model).requestFocus();
  }
}
