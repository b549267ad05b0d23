package dev.berth.app;

import dev.berth.event.MachineEvent;
import dev.berth.vm.Run;
import dev.berth.vm.VmState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * Every run of a VM, drawn: a legend of the states, then one band per run (newest on top), each
 * state a coloured segment, a time axis under it, the events that changed the state marked above it
 * in two lanes so no label covers another, the guest's own shutdown steps (the console lines it
 * printed while stopping) as ticks inside the stopping segment, and how the run ended. A run
 * started from the command line says so. Hovering a segment, event or step shows it whole in a
 * tooltip. Redraws when the runs change, so the live run moves within a frame.
 */
public final class TimelineView extends Region {
  static final int MAX_RUNS = 8;
  static final double ROW = 112;
  static final double STEP_STRIP = 52;
  private static final double LEGEND = 26;
  private static final double BAND = 18;
  private static final double MARGIN = 12;
  private static final Font FONT = Font.font("System", 11);
  private static final Font SMALL = Font.font("System", 10);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final VmState[] LEGEND_STATES = {
    VmState.STARTING,
    VmState.RUNNING,
    VmState.PAUSED,
    VmState.POWERING_DOWN,
    VmState.SAVING,
    VmState.UNREACHABLE,
    VmState.CRASHED
  };

  /** Something drawn: a label's box, with what its tooltip says. */
  record Mark(String kind, String text, String tip, Bounds bounds) {}

  private final Canvas canvas = new Canvas();
  private final ListChangeListener<Run> onChange =
      c -> {
        requestLayout(); // a run more: a taller view in its scroll pane
        redraw();
      };
  private final Tooltip tip = new Tooltip();
  private final List<Mark> marks = new ArrayList<>();
  private ObservableList<Run> runs;
  private java.util.function.BooleanSupplier lastIsLive = () -> false;
  private boolean allRuns;
  private Color ink = Color.web("#263238");

  public TimelineView() {
    getChildren().add(canvas);
    getStyleClass().add("timeline");
    tip.setShowDelay(javafx.util.Duration.millis(150));
    setOnMouseMoved(e -> hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
    setOnMouseExited(e -> tip.hide());
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
    requestLayout();
    redraw();
  }

  /** Shows every run the history keeps, not only the last {@link #MAX_RUNS}. */
  public void setAllRuns(boolean all) {
    allRuns = all;
    requestLayout();
    redraw();
  }

  /** How many runs are not shown while only the latest are. */
  int hiddenRuns() {
    return runs == null ? 0 : Math.max(0, runs.size() - MAX_RUNS);
  }

  /** What the last redraw drew, for tooltips and tests. */
  List<Mark> marks() {
    return List.copyOf(marks);
  }

  private int shownCount() {
    return runs == null ? 0 : allRuns ? runs.size() : Math.min(runs.size(), MAX_RUNS);
  }

  @Override
  protected double computePrefHeight(double width) {
    double h = LEGEND + MARGIN * 2;
    int count = shownCount();
    if (count == 0) {
      return h + ROW;
    }
    for (Run r : runs.subList(runs.size() - count, runs.size())) {
      h += rowHeight(r);
    }
    return h;
  }

  @Override
  protected double computePrefWidth(double height) {
    return 600;
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

  private static boolean stopping(VmState s) {
    return s == VmState.POWERING_DOWN || s == VmState.SHUTTING_DOWN || s == VmState.STOPPING;
  }

  /** Redraws now; the live run's open segment grows with the clock. */
  public void redraw() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    marks.clear();
    g.clearRect(0, 0, w, h);
    // the theme's text colour, so the dark theme draws light labels
    ink = textColour();
    g.setFont(FONT);
    g.setTextBaseline(VPos.TOP);
    drawLegend(g, w);
    if (runs == null || runs.isEmpty()) {
      g.setFill(Color.GRAY);
      g.setTextAlign(TextAlignment.LEFT);
      g.fillText("No runs yet: start the VM to see its timeline.", MARGIN, MARGIN + LEGEND);
      return;
    }
    long now = nowMicros();
    int count = shownCount();
    List<Run> shown = runs.subList(runs.size() - count, runs.size());
    double y = MARGIN + LEGEND;
    for (int i = shown.size() - 1; i >= 0 && y < h; i--) {
      boolean last = i == shown.size() - 1;
      Run run = shown.get(i);
      long end;
      String words;
      if (run.end() != null) {
        end = run.end().tMicros();
        words = run.end().words();
      } else if (last && runs.get(runs.size() - 1) == run && lastIsLive.getAsBoolean()) {
        end = now;
        words = null;
      } else {
        end = last ? lastKnown(run) : shown.get(i + 1).startMicros();
        words = "No end recorded (Berth was stopped)";
      }
      drawRun(g, run, end, words, y, w);
      y += rowHeight(run);
    }
  }

  /** Light labels under the dark theme (AtlantaFX's Primer Dark), dark ones otherwise. */
  private static Color textColour() {
    return CanvasInk.dark() ? Color.web("#e6edf3") : Color.web("#263238");
  }

  private void drawLegend(GraphicsContext g, double w) {
    double x = MARGIN;
    g.setFont(SMALL);
    g.setTextAlign(TextAlignment.LEFT);
    for (VmState s : LEGEND_STATES) {
      String label =
          switch (s) {
            case PAUSED -> "Paused, suspended";
            case POWERING_DOWN -> "Stopping";
            case SAVING -> "Saving, restoring";
            default -> s.label();
          };
      double tw = textWidth(label, SMALL);
      if (x + 14 + tw > w - MARGIN) {
        break;
      }
      g.setFill(colour(s));
      g.fillRect(x, MARGIN + 1, 10, 10);
      g.setFill(ink);
      g.fillText(label, x + 14, MARGIN);
      marks.add(new Mark("legend", label, label, new BoundingBox(x, MARGIN, 14 + tw, 12)));
      x += 14 + tw + 14;
    }
    String step = "│ the guest's shutdown steps";
    if (x + textWidth(step, SMALL) < w - MARGIN) {
      g.setFill(ink);
      g.fillText(step, x, MARGIN);
    }
    g.setFont(FONT);
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

    g.setFill(ink);
    g.setTextAlign(TextAlignment.LEFT);
    String title =
        String.format(
            "Run %d · %s · %s", run.number(), CLOCK.format(micros(start)), duration(end - start));
    g.fillText(title, left, y);
    double titleEnd = left + textWidth(title, FONT);
    if (Run.CLI.equals(run.origin())) {
      // a run someone started with berth start: a badge after its title
      String badge = "berth start";
      double bw = textWidth(badge, SMALL) + 10;
      g.setFill(Color.web("#455a64"));
      g.fillRoundRect(titleEnd + 8, y, bw, 14, 8, 8);
      g.setFill(Color.WHITE);
      g.setFont(SMALL);
      g.fillText(badge, titleEnd + 13, y + 1);
      g.setFont(FONT);
      marks.add(
          new Mark(
              "origin",
              badge,
              "Started from the command line (berth start)",
              new BoundingBox(titleEnd + 8, y, bw, 14)));
      titleEnd += bw + 8;
    }
    String end0 = words == null ? "running…" : words;
    double ew = textWidth(end0, FONT);
    double endX = Math.max(titleEnd + 16, left + width - ew);
    g.setFill(words == null ? Color.web("#2e7d32") : ink);
    g.fillText(end0, endX, y);
    marks.add(new Mark("end", end0, end0, new BoundingBox(endX, y, ew, 13)));

    double bandY = y + 50;
    for (Run.Segment s : run.segments()) {
      long to = s.toMicros() != null ? s.toMicros() : end;
      double x0 = left + (s.fromMicros() - start) / span * width;
      double x1 = left + (to - start) / span * width;
      double segW = Math.max(x1 - x0, 3);
      g.setFill(colour(s.state()));
      g.fillRect(x0, bandY, segW, BAND);
      String label = s.state().label() + " " + duration(to - s.fromMicros());
      boolean fits = textWidth(label, FONT) + 8 < segW;
      if (fits) {
        g.setFill(Color.WHITE);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText(label, x0 + 4, bandY + 3);
      }
      marks.add(
          new Mark(
              "segment",
              fits ? label : "",
              label
                  + "\n"
                  + CLOCK.format(micros(s.fromMicros()))
                  + " → "
                  + CLOCK.format(micros(to)),
              new BoundingBox(x0, bandY, segW, BAND)));
    }
    drawSteps(g, run, start, span, left, bandY);
    drawAxis(g, start, end, span, left, width, bandY + BAND + 2);
    drawEvents(g, run, start, span, left, width, bandY);
  }

  /** The two lanes above the band: an event label goes in the first lane it fits in. */
  private void drawEvents(
      GraphicsContext g,
      Run run,
      long start,
      double span,
      double left,
      double width,
      double bandY) {
    double[] laneEnd = {-1, -1};
    g.setTextAlign(TextAlignment.LEFT);
    for (MachineEvent e : run.events()) {
      double x = left + (e.timestampMicros() - start) / span * width;
      g.setFill(ink);
      g.fillPolygon(
          new double[] {x - 4, x + 4, x}, new double[] {bandY - 8, bandY - 8, bandY - 1}, 3);
      String tipText =
          e.name()
              + " at "
              + CLOCK.format(micros(e.timestampMicros()))
              + (e.data().isEmpty() ? "" : "\n" + e.data());
      marks.add(new Mark("event-mark", "", tipText, new BoundingBox(x - 5, bandY - 9, 10, 9)));
      double tw = textWidth(e.name(), FONT);
      double lx = Math.max(left, Math.min(x - tw / 2, left + width - tw)); // stay inside
      for (int lane = 0; lane < 2; lane++) {
        if (lx > laneEnd[lane] + 4) {
          double ly = bandY - 21 - lane * 14;
          g.fillText(e.name(), lx, ly);
          laneEnd[lane] = lx + tw;
          marks.add(new Mark("event", e.name(), tipText, new BoundingBox(lx, ly, tw, 12)));
          break;
        }
      }
    }
  }

  /**
   * The guest's shutdown steps: a tick per console line inside the stopping segment and, under the
   * axis, that stretch drawn again across the whole width with as many of the lines as fit without
   * covering each other (three lanes; each line whole in its tooltip). A button press the guest
   * printed nothing after says so.
   */
  private void drawSteps(
      GraphicsContext g, Run run, long start, double span, double left, double bandY) {
    double width = Math.max(canvas.getWidth() - 2 * MARGIN, 10);
    double textY = bandY + BAND + 20;
    g.setFont(SMALL);
    g.setTextAlign(TextAlignment.LEFT);
    g.setLineWidth(1);
    for (Run.ConsoleLine step : run.steps()) {
      double x = left + (step.tMicros() - start) / span * width;
      g.setStroke(Color.WHITE);
      g.strokeLine(x, bandY + 3, x, bandY + BAND - 3);
      marks.add(new Mark("step-mark", "", tip(step), new BoundingBox(x - 3, bandY, 6, BAND)));
    }
    if (!run.steps().isEmpty()) {
      drawStepZoom(g, run, start, span, left, width, bandY, textY);
    } else {
      for (Run.Segment s : run.segments()) {
        if (s.state() == VmState.POWERING_DOWN && s.toMicros() != null) {
          double x = left + (s.fromMicros() - start) / span * width;
          String text = "the guest printed nothing while the button was pressed";
          g.setFill(Color.GRAY);
          g.fillText(text, Math.min(x, left + width - textWidth(text, SMALL)), textY);
          marks.add(
              new Mark("step", text, text, new BoundingBox(x, textY, textWidth(text, SMALL), 12)));
          break;
        }
      }
    }
    g.setFont(FONT);
  }

  private static String tip(Run.ConsoleLine step) {
    return CLOCK.format(micros(step.tMicros())) + "  " + step.text();
  }

  /** The stopping stretch, widened: from the request to the last line (or the end). */
  private void drawStepZoom(
      GraphicsContext g,
      Run run,
      long start,
      double span,
      double left,
      double width,
      double bandY,
      double y) {
    List<Run.ConsoleLine> steps = run.steps();
    long from = steps.get(0).tMicros();
    for (Run.Segment s : run.segments()) {
      if (stopping(s.state())) {
        from = Math.min(from, s.fromMicros());
        break;
      }
    }
    long to = Math.max(steps.get(steps.size() - 1).tMicros(), from + 1);
    if (run.end() != null) {
      to = Math.max(to, run.end().tMicros());
    }
    double zspan = Math.max(to - from, 1);
    // the funnel from the stretch on the band to the strip
    g.setStroke(Color.GRAY.deriveColor(0, 1, 1, 0.5));
    g.strokeLine(left + (from - start) / span * width, bandY + BAND, left, y + 14);
    g.strokeLine(left + (to - start) / span * width, bandY + BAND, left + width, y + 14);
    String head = "While it stopped (" + duration(to - from) + "), the guest printed:";
    g.setFill(ink);
    g.fillText(head, left + 4, y);
    g.setFill(colour(VmState.POWERING_DOWN));
    g.fillRect(left, y + 14, width, 5);
    double[] laneEnd = {-1, -1, -1};
    for (Run.ConsoleLine step : steps) {
      double x = left + (step.tMicros() - from) / zspan * width;
      g.setStroke(ink);
      g.strokeLine(x, y + 12, x, y + 21);
      marks.add(new Mark("step-zoom", "", tip(step), new BoundingBox(x - 3, y + 12, 6, 10)));
      String text = step.text().length() > 48 ? step.text().substring(0, 47) + "…" : step.text();
      double tw = textWidth(text, SMALL);
      double lx = Math.max(left, Math.min(x, left + width - tw));
      for (int lane = 0; lane < laneEnd.length; lane++) {
        if (lx > laneEnd[lane] + 6) {
          double ly = y + 24 + lane * 12;
          g.setFill(ink);
          g.fillText(text, lx, ly);
          laneEnd[lane] = lx + tw;
          marks.add(new Mark("step", text, tip(step), new BoundingBox(lx, ly, tw, 11)));
          break;
        }
      }
    }
  }

  /** A run with shutdown steps gets room for their strip. */
  static double rowHeight(Run run) {
    return run.steps().isEmpty() ? ROW : ROW + STEP_STRIP;
  }

  /** Ticks under the band at a round step (1 s … 1 h), labelled from the run's start. */
  private void drawAxis(
      GraphicsContext g, long start, long end, double span, double left, double width, double y) {
    long total = Math.max(end - start, 1_000_000);
    long[] steps = {
      1_000_000L,
      2_000_000L,
      5_000_000L,
      10_000_000L,
      30_000_000L,
      60_000_000L,
      120_000_000L,
      300_000_000L,
      600_000_000L,
      1_800_000_000L,
      3_600_000_000L,
      7_200_000_000L,
      21_600_000_000L
    };
    long step = steps[steps.length - 1];
    for (long s : steps) {
      if (total / s <= Math.max(2, width / 70)) {
        step = s;
        break;
      }
    }
    g.setStroke(Color.GRAY);
    g.setLineWidth(1);
    g.strokeLine(left, y, left + width, y);
    g.setFont(SMALL);
    g.setFill(Color.GRAY);
    g.setTextAlign(TextAlignment.CENTER);
    for (long t = 0; t <= total; t += step) {
      double x = left + t / span * width;
      g.strokeLine(x, y, x, y + 3);
      String label = t == 0 ? "0" : axisLabel(t);
      double tw = textWidth(label, SMALL);
      g.fillText(label, Math.max(left + tw / 2, Math.min(x, left + width - tw / 2)), y + 3);
    }
    g.setFont(FONT);
  }

  static String axisLabel(long micros) {
    long s = micros / 1_000_000;
    return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min" : (s / 3600) + " h";
  }

  private void hover(double x, double y, double screenX, double screenY) {
    for (int i = marks.size() - 1; i >= 0; i--) {
      Mark m = marks.get(i);
      if (!m.kind().equals("legend") && m.bounds().contains(x, y)) {
        tip.setText(m.tip());
        tip.show(this, screenX + 14, screenY + 14);
        return;
      }
    }
    tip.hide();
  }

  private static double textWidth(String s, Font font) {
    Text t = new Text(s);
    t.setFont(font);
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
