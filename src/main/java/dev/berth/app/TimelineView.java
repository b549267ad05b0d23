package dev.berth.app;

import dev.berth.event.MachineEvent;
import dev.berth.vm.Run;
import dev.berth.vm.VmState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The state transitions of a VM, drawn: one band per run (newest on top), each state a coloured
 * segment with its duration, the events that triggered changes marked above it, and the final cause
 * in words. Redraws when the runs change, so the live run moves within a frame.
 */
public final class TimelineView extends Region {
  static final int MAX_RUNS = 8;
  private static final double ROW = 68;
  private static final double BAND = 18;
  private static final double MARGIN = 12;
  private static final Font FONT = Font.font("System", 11);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final Canvas canvas = new Canvas();
  private final ListChangeListener<Run> onChange = c -> redraw();
  private ObservableList<Run> runs;
  private java.util.function.BooleanSupplier lastIsLive = () -> false;

  public TimelineView() {
    getChildren().add(canvas);
    getStyleClass().add("timeline");
  }

  /**
   * Shows {@code runs}; {@code lastIsLive} tells whether the last one is still under way (a run
   * with no recorded end that is not live ended when Berth itself was stopped).
   */
  public void setRuns(ObservableList<Run> runs, java.util.function.BooleanSupplier lastIsLive) {
    this.lastIsLive = lastIsLive;
    if (this.runs != null) {
      this.runs.removeListener(onChange);
    }
    this.runs = runs;
    runs.addListener(onChange);
    redraw();
  }

  @Override
  protected void layoutChildren() {
    canvas.setWidth(getWidth());
    canvas.setHeight(getHeight());
    redraw();
  }

  static Color colour(VmState s) {
    return switch (s) {
      case RUNNING -> Color.web("#2e7d32");
      case PAUSED, SUSPENDED -> Color.web("#f9a825");
      case POWERING_DOWN, SHUTTING_DOWN, STOPPING -> Color.web("#ef6c00");
      case STARTING -> Color.web("#546e7a");
      case CRASHED -> Color.web("#c62828");
      case SAVING, RESTORING -> Color.web("#1565c0");
      case UNREACHABLE -> Color.web("#6a1b9a");
      case SHUT_OFF -> Color.web("#9e9e9e");
    };
  }

  /** Redraws now; the live run's open segment grows with the clock. */
  public void redraw() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.clearRect(0, 0, w, h);
    g.setFont(FONT);
    g.setTextBaseline(VPos.TOP);
    if (runs == null || runs.isEmpty()) {
      g.setFill(Color.GRAY);
      g.fillText("No runs yet: start the VM to see its timeline.", MARGIN, MARGIN);
      return;
    }
    long now = nowMicros();
    List<Run> shown = runs.subList(Math.max(0, runs.size() - MAX_RUNS), runs.size());
    double y = MARGIN;
    for (int i = shown.size() - 1; i >= 0 && y < h; i--) {
      boolean last = i == shown.size() - 1;
      Run run = shown.get(i);
      long end;
      String words;
      if (run.end() != null) {
        end = run.end().tMicros();
        words = run.end().words();
      } else if (last && lastIsLive.getAsBoolean()) {
        end = now;
        words = null;
      } else {
        end = last ? lastKnown(run) : shown.get(i + 1).startMicros();
        words = "No end recorded (Berth was stopped)";
      }
      drawRun(g, run, end, words, y, w);
      y += ROW;
    }
  }

  /** The last moment a run without an end is known to have been alive. */
  private static long lastKnown(Run run) {
    long t = run.startMicros();
    for (Run.Segment s : run.segments()) {
      t = Math.max(t, s.fromMicros());
    }
    for (MachineEvent e : run.events()) {
      t = Math.max(t, e.timestampMicros());
    }
    return t;
  }

  private void drawRun(GraphicsContext g, Run run, long end, String words, double y, double w) {
    long start = run.startMicros();
    double span = Math.max(end - start, 1_000_000);
    double left = MARGIN;
    double width = Math.max(w - 2 * MARGIN, 10);

    g.setFill(Color.web("#37474f"));
    g.setTextAlign(TextAlignment.LEFT);
    g.fillText(
        String.format(
            "Run %d · %s · %s", run.number(), CLOCK.format(micros(start)), duration(end - start)),
        left,
        y);
    g.setTextAlign(TextAlignment.RIGHT);
    g.setFill(words == null ? Color.web("#2e7d32") : Color.web("#212121"));
    g.fillText(words == null ? "running…" : words, left + width, y);

    double bandY = y + 38;
    for (Run.Segment s : run.segments()) {
      long to = s.toMicros() != null ? s.toMicros() : end;
      double x0 = left + (s.fromMicros() - start) / span * width;
      double x1 = left + (to - start) / span * width;
      double segW = Math.max(x1 - x0, 3);
      g.setFill(colour(s.state()));
      g.fillRect(x0, bandY, segW, BAND);
      String label = s.state().label() + " " + duration(to - s.fromMicros());
      if (textWidth(label) + 8 < segW) {
        g.setFill(Color.WHITE);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(label, x0 + 4, bandY + 3);
      }
    }
    g.setTextAlign(TextAlignment.CENTER);
    double lastLabelEnd = -1;
    for (MachineEvent e : run.events()) {
      double x = left + (e.timestampMicros() - start) / span * width;
      g.setFill(Color.web("#263238"));
      g.fillPolygon(
          new double[] {x - 4, x + 4, x}, new double[] {bandY - 8, bandY - 8, bandY - 1}, 3);
      double tw = textWidth(e.name());
      double cx = Math.max(left + tw / 2, Math.min(x, left + width - tw / 2)); // stay inside
      if (cx - tw / 2 > lastLabelEnd + 4) {
        g.fillText(e.name(), cx, bandY - 21);
        lastLabelEnd = cx + tw / 2;
      }
    }
  }

  private static double textWidth(String s) {
    Text t = new Text(s);
    t.setFont(FONT);
    return t.getLayoutBounds().getWidth();
  }

  static String duration(long micros) {
    double s = micros / 1e6;
    if (s < 1) {
      return String.format("%.0f ms", s * 1000);
    }
    if (s < 60) {
      return String.format("%.1f s", s);
    }
    long whole = (long) s;
    return whole < 3600
        ? String.format("%d:%02d min", whole / 60, whole % 60)
        : String.format("%d:%02d h", whole / 3600, whole / 60 % 60);
  }

  private static Instant micros(long m) {
    return Instant.ofEpochSecond(m / 1_000_000, (m % 1_000_000) * 1000);
  }

  private static long nowMicros() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }
}
