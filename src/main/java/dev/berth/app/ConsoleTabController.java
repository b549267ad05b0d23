package dev.berth.app;

import dev.berth.app.terminal.TerminalModel;
import dev.berth.app.terminal.TerminalView;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
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
          m.stateProperty()
              .addListener(
                  (o, was, is) -> {
                    if (!was.isActive() && is.isActive()) {
                      separate(view, "new run");
                    }
                  });
          m.setOnRebooted(why -> separate(view, "reset (" + why + ")"));
          return view;
        });
  }

  /**
   * A dim rule with {@code what} and the time between one boot's output and the next one's, so a
   * new boot does not run on from the old prompt. It goes through the same queue as the guest's
   * output: ahead of a new run's (the state turns Starting before the backend starts); a reset's
   * may come a few characters into the new boot.
   */
  private static void separate(TerminalView view, String what) {
    TerminalModel m = view.getModel();
    if (m.scrollbackLineCount() == 0 && m.cursorRow() == 0 && m.cursorColumn() == 0) {
      return; // nothing to separate from
    }
    String rule = "\u2500".repeat(8);
    String line =
        (m.cursorColumn() == 0 ? "" : "\r\n")
            + "\033[2m"
            + rule
            + " "
            + what
            + ", "
            + LocalTime.now().withNano(0)
            + " "
            + rule
            + "\033[0m\r\n";
    view.feed(line.getBytes(StandardCharsets.UTF_8));
  }

  void show(VmViewModel model) {
    consolePane.setCenter(terminalFor(model));
  }

  /** Gives the selected VM's terminal the keyboard (after Start, typing goes to the guest). */
  void focus(VmViewModel model) {
    terminalFor(model).requestFocus();
  }
}
