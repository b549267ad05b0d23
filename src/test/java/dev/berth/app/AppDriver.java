package dev.berth.app;

import dev.berth.app.terminal.TerminalModel;
import dev.berth.app.terminal.TerminalView;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.control.Button;
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
    javafx.scene.control.TableView<EventRow> table =
        robot.lookup("#eventTable").queryAs(javafx.scene.control.TableView.class);
    return String.join(
        "\n", table.getItems().stream().map(r -> r.time() + "  " + r.raw()).toList());
  }

  /** Quit emulator from the toolbar, ticking "Don't ask again" and confirming. */
  static void quitConfirming(FxRobot robot) throws Exception {
    act(robot, VmAction.QUIT);
    confirm(robot, VmAction.QUIT, true);
  }

  /**
   * Does {@code a} from the toolbar: clicks its button (Start, Pause, Shut down's main part, Save
   * state), or fires its item in the Shut down ▾ or Send key ▾ menu (Monocle draws no popups to
   * click on), later on the FX thread so that a confirmation it opens waits for the test.
   */
  static void act(FxRobot robot, VmAction a) {
    if (a == VmAction.SHUT_DOWN) {
      robot.clickOn("#shutDown");
      return;
    }
    java.util.Optional<javafx.scene.Node> button =
        robot.lookup("#" + ActionControls.camel(a)).tryQuery();
    if (button.isPresent() && button.get() instanceof Button) {
      robot.clickOn(button.get());
      return;
    }
    javafx.scene.control.MenuItem item = toolbarItem(robot, a);
    if (item.isDisable()) {
      throw new AssertionError(a + " is disabled in the toolbar's menu");
    }
    javafx.application.Platform.runLater(item::fire);
  }

  /** {@code a}'s item in the toolbar's Shut down ▾ (with its Signals ▸) or Send key ▾ menu. */
  static javafx.scene.control.MenuItem toolbarItem(FxRobot robot, VmAction a) {
    java.util.List<javafx.scene.control.MenuItem> all = new java.util.ArrayList<>();
    for (String menu : java.util.List.of("#shutDown", "#sendKey")) {
      for (javafx.scene.control.MenuItem i :
          robot.lookup(menu).queryAs(javafx.scene.control.MenuButton.class).getItems()) {
        all.add(i);
        if (i instanceof javafx.scene.control.Menu sub) {
          all.addAll(sub.getItems());
        }
      }
    }
    String id = ActionControls.camel(a) + "Tool";
    return all.stream().filter(i -> id.equals(i.getId())).findFirst().orElseThrow();
  }

  /** Does {@code a} from the toolbar, then answers its confirmation with its own button. */
  static void actConfirming(FxRobot robot, VmAction a) throws Exception {
    act(robot, a);
    confirm(robot, a, false);
  }

  /** Clicks {@code button}, then the confirmation's button for {@code action}. */
  static void clickConfirming(FxRobot robot, String button, VmAction action) throws Exception {
    robot.clickOn(button);
    confirm(robot, action, false);
  }

  /**
   * Answers the question {@code action} asks with its own button, ticking "Don't ask again" if
   * {@code dontAsk}.
   */
  static void confirm(FxRobot robot, VmAction action, boolean dontAsk) throws Exception {
    waitForDialog(robot);
    if (dontAsk) {
      robot.clickOn("Don't ask again");
    }
    Button confirm =
        robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
            .filter(b -> b.getText().equals(action.shortLabel()))
            .findFirst()
            .orElseThrow();
    robot.clickOn(confirm);
    waitFor(5, () -> robot.lookup(".dialog-pane").tryQuery().isEmpty());
  }

  /** Clicks the button labelled {@code text} of the dialog on screen (not a window's behind it). */
  static void clickDialogButton(FxRobot robot, String text) throws Exception {
    waitForDialog(robot);
    robot.clickOn(
        robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
            .filter(b -> b.getText().equals(text))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + text + " button in the dialog")));
  }

  /** Waits until a dialog is on screen (its window shown, so its buttons can be clicked). */
  static void waitForDialog(FxRobot robot) throws Exception {
    waitForVisible(robot, ".dialog-pane .button");
  }

  /**
   * Waits until a node {@code query} finds can be clicked: shown, in a window that is showing and
   * has been sized (a dialog's window has no size for a moment after it shows).
   */
  static void waitForVisible(FxRobot robot, String query) throws Exception {
    waitFor(
        5,
        () ->
            robot.lookup(query).queryAll().stream()
                .anyMatch(
                    n -> {
                      javafx.geometry.Bounds b =
                          n.getScene() == null ? null : n.localToScreen(n.getBoundsInLocal());
                      return n.isVisible()
                          && n.getScene().getWindow().isShowing()
                          && b != null
                          && !Double.isNaN(b.getMinY());
                    }));
  }

  /**
   * Fires the Machine menu's item whose label starts with {@code label} (Monocle draws no menu
   * popups to click on), later on the FX thread: a confirmation it opens waits for the test.
   */
  static void fireMenuItem(FxRobot robot, String label) {
    javafx.scene.control.MenuBar bar =
        robot.lookup(".menu-bar").queryAs(javafx.scene.control.MenuBar.class);
    javafx.scene.control.MenuItem item =
        bar.getMenus().stream()
            .flatMap(m -> m.getItems().stream())
            .flatMap(
                i ->
                    i instanceof javafx.scene.control.Menu sub
                        ? java.util.stream.Stream.concat(
                            java.util.stream.Stream.of(i), sub.getItems().stream())
                        : java.util.stream.Stream.of(i))
            .filter(i -> i.getText() != null && i.getText().startsWith(label))
            .findFirst()
            .orElseThrow();
    javafx.application.Platform.runLater(item::fire);
  }

  /** The text a label shows on screen: its text, or less and an ellipsis when cut short. */
  static String shownText(javafx.scene.control.Labeled label) {
    javafx.scene.Node text = label.lookup(".text");
    return text instanceof javafx.scene.text.Text t ? t.getText() : label.getText();
  }

  /** Asks the window to close, as its close box does; a dialog it opens waits for the test. */
  static void requestClose(javafx.stage.Stage stage) {
    javafx.application.Platform.runLater(
        () ->
            stage.fireEvent(
                new javafx.stage.WindowEvent(
                    stage, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
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
