package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.Snapshot;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The Snapshots tab on the running demo VM, as a user works it: Take snapshot… with a name and a
 * description, the list showing it with memory, Revert to it and Delete, each asked first with
 * Cancel the default, and the result in the tab's line.
 */
@ExtendWith(ApplicationExtension.class)
class SnapshotsWindowTest {
  private BerthApp.Library library;

  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("sw");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
  }

  @SuppressWarnings("unchecked")
  private static ListView<Snapshot> list(FxRobot robot) {
    return robot.lookup(".snapshot-list").queryAs(ListView.class);
  }

  private static String status(FxRobot robot) {
    return robot.lookup(".snapshot-status").queryAs(Label.class).getText();
  }

  @Test
  void takeRevertAndDeleteFromTheTab(FxRobot robot) throws Exception {
    VmViewModel demo =
        library.vms().stream().filter(v -> v.name().equals("demo")).findFirst().orElseThrow();
    AppDriver.select(robot, demo);
    AppDriver.act(robot, VmAction.START);
    AppDriver.waitFor(30, () -> demo.stateProperty().get() == VmState.RUNNING);
    robot.interact(
        () -> robot.lookup("#tabs").queryAs(TabPane.class).getSelectionModel().select(5));

    robot.clickOn("Take snapshot…");
    AppDriver.waitForDialog(robot);
    TextField name = robot.lookup("#snapshotName").queryAs(TextField.class);
    robot.interact(() -> name.setText("before-tests"));
    robot.clickOn("#snapshotDescription").write("the demo at its prompt");
    AppDriver.clickDialogButton(robot, "Take snapshot");
    AppDriver.waitFor(30, () -> list(robot).getItems().size() == 1);
    Snapshot s = list(robot).getItems().get(0);
    assertEquals("before-tests", s.tag());
    assertEquals("the demo at its prompt", s.description());
    assertTrue(s.withMemory(), "taken while it ran");
    AppDriver.waitFor(10, () -> status(robot).equals("Took snapshot before-tests"));

    robot.interact(() -> list(robot).getSelectionModel().select(0));
    robot.clickOn("Revert to it");
    AppDriver.waitForDialog(robot);
    Button cancel =
        robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
            .filter(b -> b.getText().equals("Cancel"))
            .findFirst()
            .orElseThrow();
    assertTrue(cancel.isDefaultButton(), "going back loses what was done since: Cancel first");
    AppDriver.clickDialogButton(robot, "OK");
    AppDriver.waitFor(30, () -> status(robot).equals("Back at before-tests"));
    assertEquals(VmState.RUNNING, demo.stateProperty().get(), "it runs on from the snapshot");
    assertTrue(
        demo.events().stream().anyMatch(e -> e.contains("SNAPSHOT_LOADED")),
        "the revert is on the run: " + demo.events());

    robot.interact(() -> list(robot).getSelectionModel().select(0));
    robot.clickOn("Delete");
    AppDriver.clickDialogButton(robot, "OK");
    AppDriver.waitFor(30, () -> list(robot).getItems().isEmpty());
    AppDriver.quitConfirming(robot);
    AppDriver.waitFor(30, () -> demo.stateProperty().get() == VmState.SHUT_OFF);
  }
}
