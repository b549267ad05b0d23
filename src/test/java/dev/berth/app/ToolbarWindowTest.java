package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.KeyChord;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitMenuButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kordamp.ikonli.javafx.FontIcon;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The toolbar as a user reads it (icons, Shut down ▾, Send key ▾), the VM list's rows (backend
 * icon, state, uptime, double-click) and what a library with no VM shows.
 */
@ExtendWith(ApplicationExtension.class)
class ToolbarWindowTest {
  private Stage stage;

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    BerthDirs dirs = AppDriver.freshDirs("tb");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.open(stage, BerthApp.Library.open(dirs));
  }

  private static List<String> labels(List<MenuItem> items) {
    return items.stream().map(i -> i.getText().replace("_", "")).toList();
  }

  @Test
  void theToolbarHasIconsAShutDownMenuAndASendKeyMenu(FxRobot robot) {
    for (String id : List.of("#start", "#pause", "#shutDown", "#sendKey", "#saveState")) {
      ButtonBase b = robot.lookup(id).queryAs(ButtonBase.class);
      assertInstanceOf(FontIcon.class, b.getGraphic(), id + " has an icon");
    }
    SplitMenuButton shutDown = robot.lookup("#shutDown").queryAs(SplitMenuButton.class);
    assertEquals("Shut down", shutDown.getText());
    List<String> expected = new ArrayList<>();
    for (VmAction a : VmAction.values()) {
      if (ActionControls.inShutDownMenu(a)) {
        expected.add(a.label().replace("_", ""));
        if (a == VmAction.FORCE_OFF) {
          expected.add("Signals");
        }
      }
    }
    assertEquals(expected, labels(shutDown.getItems()));
    assertTrue(
        labels(shutDown.getItems())
            .containsAll(
                List.of("Power button (ACPI)", "Reboot", "Reset", "Force off", "Quit emulator…")));
    Menu signals =
        (Menu)
            shutDown.getItems().stream()
                .filter(i -> "signalsTool".equals(i.getId()))
                .findFirst()
                .orElseThrow();
    assertEquals(3, signals.getItems().size(), labels(signals.getItems()).toString());

    MenuButton keys = robot.lookup("#sendKey").queryAs(MenuButton.class);
    List<String> chords = labels(keys.getItems());
    assertEquals(KeyChord.values().length, chords.size());
    assertTrue(
        chords.containsAll(
            List.of("Ctrl+Alt+Del", "Ctrl+Alt+Backspace", "Ctrl+Alt+F1", "Ctrl+Alt+F12")),
        chords.toString());

    // shut off: only Start; the menus say why not
    assertFalse(robot.lookup("#start").queryAs(ButtonBase.class).isDisable());
    assertTrue(shutDown.isDisable());
    assertTrue(keys.isDisable());
    assertTrue(
        shutDown.getTooltip().getText().endsWith("Not now: it is not running"),
        shutDown.getTooltip().getText());
  }

  @Test
  void aDoubleClickStartsTheVmAndItsRowShowsItsUptime(FxRobot robot) throws Exception {
    @SuppressWarnings("unchecked")
    ListView<VmViewModel> list = robot.lookup("#vmList").queryAs(ListView.class);
    VmViewModel demo = list.getItems().get(0);
    assertEquals("demo", demo.name());
    Node row = robot.lookup(".vm-row").nth(0).query();
    assertNotNull(row.lookup(".backend-icon"), "the row shows its backend's icon");
    robot.doubleClickOn(row);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Running"));
    Label uptime = (Label) row.lookup(".vm-uptime");
    AppDriver.waitFor(5, () -> uptime.getText().matches("up 0:0\\d"));
    Label badge = (Label) row.lookup(".state-badge");
    assertEquals("Running", badge.getText());
    // and a CPU sparkline of the last minute
    Sparkline cpu = (Sparkline) row.lookup(".sparkline");
    AppDriver.waitFor(10, () -> cpu.isVisible() && !Double.isNaN(cpu.last()));
    SplitMenuButton shutDown = robot.lookup("#shutDown").queryAs(SplitMenuButton.class);
    assertFalse(shutDown.isDisable(), "running: Shut down ▾ is usable");
    assertFalse(robot.lookup("#sendKey").queryAs(MenuButton.class).isDisable());
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("demo$"));
    // the split's main part: the demo has no agent, so its power button; it honours it
    AppDriver.act(robot, VmAction.SHUT_DOWN);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    AppDriver.waitFor(5, () -> uptime.getText().isEmpty());
    assertEquals("Shut off", badge.getText());
    assertFalse(cpu.isVisible(), "no sparkline while it is off");

    // what the guest printed between the press and the power-off is kept with the run
    dev.berth.vm.Run run = demo.runs().get(demo.runs().size() - 1);
    assertTrue(
        run.steps().stream().anyMatch(l -> l.text().contains("entering S5")),
        run.steps().toString());
    // the Events tab: a table of who asked what, the raw JSON of the selected row under it
    robot.press(javafx.scene.input.KeyCode.ALT).type(javafx.scene.input.KeyCode.DIGIT4);
    robot.release(javafx.scene.input.KeyCode.ALT);
    @SuppressWarnings("unchecked")
    javafx.scene.control.TableView<EventRow> table =
        robot.lookup("#eventTable").queryAs(javafx.scene.control.TableView.class);
    EventRow press =
        table.getItems().stream().filter(r -> r.event().equals("POWERDOWN")).findFirst().get();
    assertEquals("the host", press.who());
    EventRow off =
        table.getItems().stream().filter(r -> r.event().equals("SHUTDOWN")).findFirst().get();
    assertEquals("the guest", off.who());
    assertEquals("The guest powered off (guest-shutdown)", off.details());
    assertTrue(off.time().matches("\\d\\d:\\d\\d:\\d\\d"), off.time());
    robot.interact(() -> table.getSelectionModel().select(off));
    javafx.scene.control.TextArea raw =
        robot.lookup("#rawText").queryAs(javafx.scene.control.TextArea.class);
    assertTrue(raw.getText().contains("\"reason\" : \"guest-shutdown\""), raw.getText());
    assertTrue(
        robot.lookup("#rawPane").queryAs(javafx.scene.control.TitledPane.class).isExpanded());
  }

  @Test
  void aLibraryWithNoVmSaysWhatToDo(FxRobot robot) throws Exception {
    BerthDirs empty = AppDriver.freshDirs("te");
    Files.createDirectories(empty.config().resolve("vms"));
    robot.interact(() -> BerthApp.open(stage, BerthApp.Library.open(empty)));
    WaitForAsyncUtils.waitForFxEvents();
    Node state = robot.lookup("#emptyState").query();
    assertTrue(state.isVisible());
    assertTrue(robot.lookup("No virtual machines yet").tryQuery().isPresent(), "a title says so");
    assertTrue(robot.lookup("#emptyNewVm").tryQuery().isPresent(), "and offers New VM…");
  }
}
