package dev.berth.app;

import dev.berth.app.terminal.TerminalModel;
import dev.berth.app.terminal.TerminalView;
import dev.berth.vm.BerthDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** What the app's window tests read and wait for, in one place. */
final class AppDriver {
  private AppDriver() {}

  /**
   * Berth's directories under a fresh short path in /tmp (unix socket paths are limited to 108
   * bytes), with a runtime directory of their own.
   */
  static BerthDirs freshDirs(String prefix) throws IOException {
    Path home = Files.createTempDirectory(Path.of("/tmp"), prefix);
    Path run = Files.createDirectories(home.resolve("run"));
    return new BerthDirs(Map.of("XDG_RUNTIME_DIR", run.toString()), home);
  }

  static void waitFor(int seconds, Supplier<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::get);
  }

  static Label badge(FxRobot robot) {
    return robot.lookup("#stateBadge").queryAs(Label.class);
  }

  static String lastEnd(FxRobot robot) {
    return robot.lookup("#lastEndLabel").queryAs(Label.class).getText();
  }

  static String events(FxRobot robot) {
    @SuppressWarnings("unchecked")
    ListView<String> list = robot.lookup(".events").queryAs(ListView.class);
    return String.join("\n", list.getItems());
  }

  /** Quit emulator from the toolbar, ticking "Don't ask again" and confirming. */
  static void quitConfirming(FxRobot robot) {
    robot.clickOn("Quit emulator");
    robot.clickOn("Don't ask again");
    javafx.scene.control.Button confirm =
        robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
            .filter(b -> b.getText().equals("Quit emulator"))
            .findFirst()
            .orElseThrow();
    robot.clickOn(confirm);
  }

  /** The text a label shows on screen: its text, or less and an ellipsis when cut short. */
  static String shownText(javafx.scene.control.Labeled label) {
    javafx.scene.Node text = label.lookup(".text");
    return text instanceof javafx.scene.text.Text t ? t.getText() : label.getText();
  }

  /** Selects {@code vm} in the VM list, as a click on it would. */
  static void select(FxRobot robot, VmViewModel vm) {
    @SuppressWarnings("unchecked")
    ListView<VmViewModel> list = robot.lookup("#vmList").queryAs(ListView.class);
    robot.interact(() -> list.getSelectionModel().select(vm));
  }

  /** Everything the serial console shows, scrollback included (read on the FX thread). */
  static String consoleText(FxRobot robot) {
    TerminalView view = robot.lookup(".console").queryAs(TerminalView.class);
    try {
      return WaitForAsyncUtils.asyncFx(
              () -> {
                TerminalModel m = view.getModel();
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < m.totalLines(); i++) {
                  var line = m.lineAt(i);
                  sb.append(line.text(0, line.length()));
                  if (!line.isWrapped()) {
                    sb.append('\n');
                  }
                }
                return sb.toString();
              })
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
