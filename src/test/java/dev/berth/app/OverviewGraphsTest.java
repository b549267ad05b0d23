package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.util.List;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Overview's live graphs on the bundled core: measured, drawn at most twice a second. */
@ExtendWith(ApplicationExtension.class)
class OverviewGraphsTest {
  private BerthApp.Library library;

  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("og");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
  }

  private static GraphView graph(FxRobot robot, String id) {
    return robot.lookup(id).queryAs(GraphView.class);
  }

  private static void altDigit(FxRobot robot, KeyCode digit) {
    robot.press(KeyCode.ALT).type(digit);
    robot.release(KeyCode.ALT);
  }

  @Test
  void theGraphsShowTheRunningGuestAndDrawOnlyWhileShown(FxRobot robot) throws Exception {
    VmViewModel demo = library.vms().get(0);
    robot.clickOn("#start");
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("demo$"));
    altDigit(robot, KeyCode.DIGIT3);
    GraphView guest = graph(robot, "#guestCpuGraph");
    GraphView host = graph(robot, "#hostCpuGraph");
    GraphView memory = graph(robot, "#memoryGraph");
    GraphView console = graph(robot, "#consoleGraph");
    AppDriver.waitFor(10, () -> !guest.shownValue().isEmpty() && !host.shownValue().isEmpty());
    assertTrue(guest.shownValue().matches("\\d+ %"), guest.shownValue());
    assertTrue(host.shownValue().matches("\\d+ %"), host.shownValue());
    assertEquals("", memory.shownValue(), "the bundled core's RAM is fixed: said in words");
    assertEquals(
        "", graph(robot, "#diskGraph").shownValue(), "the demo guest has no disks: said in words");

    // the guest prints: the console graph sees it within a sample or two
    robot.interact(() -> demo.type("help\r"));
    AppDriver.waitFor(10, () -> console.shownValue().matches("[1-9]\\d* B/s|.*KiB/s"));

    // at most two draws a second: count them while five samples arrive
    int samples = demo.samples().size();
    int draws = host.draws();
    long t0 = System.nanoTime();
    AppDriver.waitFor(15, () -> demo.samples().size() >= samples + 5);
    double seconds = (System.nanoTime() - t0) / 1e9;
    int drawn = host.draws() - draws;
    assertTrue(drawn >= 3, "it kept drawing: " + drawn);
    assertTrue(drawn <= 2 * seconds + 1, drawn + " draws in " + seconds + " s");

    // another tab: the graphs stop drawing while samples go on arriving
    altDigit(robot, KeyCode.DIGIT1);
    int hidden = host.draws();
    int before = demo.samples().size();
    AppDriver.waitFor(15, () -> demo.samples().size() >= before + 3);
    assertEquals(hidden, host.draws(), "no drawing while the Overview is hidden");
    for (GraphView g : List.of(guest, host, memory, console)) {
      assertTrue(g.draws() > 0);
    }
    AppDriver.quitConfirming(robot);
    AppDriver.waitFor(20, () -> !demo.isActive());
  }
}
