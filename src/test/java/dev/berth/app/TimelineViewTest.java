package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import dev.berth.vm.Run;
import dev.berth.vm.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The timeline as drawn: labels that never cover each other, the steps, the CLI's runs. */
@ExtendWith(ApplicationExtension.class)
class TimelineViewTest {
  private static final long T0 = 1_700_000_000_000_000L;
  private TimelineView view;
  private final ObservableList<Run> runs = FXCollections.observableArrayList();

  @Start
  void start(Stage stage) {
    view = new TimelineView(); // a JavaFX control: made once the toolkit runs
    for (int n = 1; n <= 10; n++) {
      runs.add(run(n, T0 + n * 60_000_000L));
    }
    view.setRuns(runs, () -> false);
    javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane(view);
    scroll.setFitToWidth(true);
    stage.setScene(new Scene(scroll, 900, 700));
    stage.show();
  }

  /**
   * Run {@code n}: 20 s running, then a power button whose events all come within 100 ms, and 3 s
   * of powering down during which the guest prints its steps; the last run came from the CLI.
   */
  private static Run run(int n, long start) {
    long press = start + 20_000_000L;
    long off = press + 3_000_000L;
    List<MachineEvent> events = new ArrayList<>();
    events.add(new MachineEvent("RESUME", Map.of(), start + 100_000));
    events.add(new MachineEvent("POWERDOWN", Map.of(), press));
    events.add(new MachineEvent("STOP", Map.of(), press + 30_000));
    events.add(new MachineEvent("RESUME", Map.of(), press + 60_000));
    events.add(
        new MachineEvent(
            "SHUTDOWN", Map.of("guest", true, "reason", "guest-shutdown"), off - 10_000));
    List<Run.ConsoleLine> steps =
        List.of(
            new Run.ConsoleLine(press + 200_000, "berth-shutdown: poweroff: stopping services"),
            new Run.ConsoleLine(press + 250_000, "berth-shutdown:   stopped acpid"),
            new Run.ConsoleLine(press + 1_500_000, "berth-shutdown: unmounting /data"),
            new Run.ConsoleLine(press + 2_900_000, "reboot: Power down"));
    return new Run(
        n,
        start,
        List.of(
            new Run.Segment(VmState.RUNNING, start, press),
            new Run.Segment(VmState.POWERING_DOWN, press, off)),
        events,
        new Run.End(
            off, MachineExit.Kind.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN, 0, "Guest powered off"),
        n == 10 ? Run.CLI : "",
        steps);
  }

  private List<TimelineView.Mark> marks(FxRobot robot) {
    WaitForAsyncUtils.waitForFxEvents();
    java.util.concurrent.atomic.AtomicReference<List<TimelineView.Mark>> out =
        new java.util.concurrent.atomic.AtomicReference<>();
    robot.interact(() -> out.set(view.marks()));
    return out.get();
  }

  @Test
  void noLabelCoversAnotherAndTheStepsSitInsideTheStoppingSegment(FxRobot robot) {
    List<TimelineView.Mark> all = marks(robot);
    List<TimelineView.Mark> labels =
        all.stream().filter(m -> !m.text().isEmpty() && !m.kind().equals("legend")).toList();
    for (int i = 0; i < labels.size(); i++) {
      for (int j = i + 1; j < labels.size(); j++) {
        TimelineView.Mark a = labels.get(i);
        TimelineView.Mark b = labels.get(j);
        assertFalse(a.bounds().intersects(b.bounds()), a.text() + " covers " + b.text());
      }
    }
    assertEquals(8, all.stream().filter(m -> m.kind().equals("end")).count(), "the latest 8 runs");
    // every step has a tick inside its run's Powering down segment, and a tooltip with its words
    List<TimelineView.Mark> stopping =
        all.stream()
            .filter(m -> m.kind().equals("segment") && m.tip().startsWith("Powering down"))
            .toList();
    List<TimelineView.Mark> ticks = all.stream().filter(m -> m.kind().equals("step-mark")).toList();
    assertEquals(8 * 4, ticks.size());
    for (TimelineView.Mark t : ticks) {
      double x = t.bounds().getCenterX();
      assertTrue(
          stopping.stream()
              .anyMatch(
                  s ->
                      s.bounds().getMinX() <= x
                          && x <= s.bounds().getMaxX()
                          && Math.abs(s.bounds().getCenterY() - t.bounds().getCenterY()) < 1),
          t.tip());
    }
    assertTrue(ticks.stream().anyMatch(t -> t.tip().endsWith("reboot: Power down")));
    assertTrue(
        all.stream().anyMatch(m -> m.kind().equals("step") && m.text().startsWith("berth-shut")),
        "the first step's words under the band");
    // the events that came within 100 ms: each has a tooltip mark even where its label had no room
    assertEquals(8 * 5, all.stream().filter(m -> m.kind().equals("event-mark")).count());
    // the run from the command line says so
    assertEquals(1, all.stream().filter(m -> m.kind().equals("origin")).count());
  }

  @Test
  void hoveringAStepShowsItsLineWhole(FxRobot robot) throws Exception {
    TimelineView.Mark step =
        marks(robot).stream()
            .filter(m -> m.kind().equals("step") && m.tip().endsWith("stopping services"))
            .findFirst()
            .orElseThrow();
    javafx.geometry.Point2D at =
        view.localToScreen(step.bounds().getCenterX(), step.bounds().getCenterY());
    robot.moveTo(at);
    AppDriver.waitFor(
        5,
        () ->
            javafx.stage.Window.getWindows().stream()
                .anyMatch(
                    w ->
                        w instanceof javafx.scene.control.Tooltip t
                            && t.isShowing()
                            && t.getText()
                                .endsWith("berth-shutdown: poweroff: stopping services")));
    robot.moveTo(view.localToScreen(2, 2));
    AppDriver.waitFor(
        5,
        () ->
            javafx.stage.Window.getWindows().stream()
                .noneMatch(w -> w instanceof javafx.scene.control.Tooltip && w.isShowing()));
  }

  @Test
  void showOlderRunsDrawsEveryRun(FxRobot robot) {
    robot.interact(() -> view.setAllRuns(true));
    assertEquals(
        10, marks(robot).stream().filter(m -> m.kind().equals("end")).count(), "all 10 runs");
    assertEquals(2, view.hiddenRuns());
  }
}
