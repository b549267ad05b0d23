package dev.berth.app;

import dev.berth.vm.VmSample;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * One live graph of the Overview: a figure of the VM's samples over the last {@link #WINDOW_MS},
 * drawn on a canvas. It draws only when told to ({@link #draw}), which the Overview does at most
 * twice a second and only while it shows; the samples were measured off the FX thread.
 */
final class GraphView extends Region {
  static final long WINDOW_MS = 5 * 60 * 1000;
  private static final Font TITLE = Font.font("System", 11);
  private static final double PAD = 6;

  private final Canvas canvas = new Canvas();
  private final String title;
  private final ToDoubleFunction<VmSample> value;
  private final DoubleFunction<String> format;
  private final double fixedMax;
  private final Color colour;
  private String shown = "";
  private int draws;

  /**
   * @param fixedMax the top of the scale, or 0 to scale to the largest value shown
   */
  GraphView(
      String title,
      ToDoubleFunction<VmSample> value,
      DoubleFunction<String> format,
      double fixedMax,
      Color colour) {
    this.title = title;
    this.value = value;
    this.format = format;
    this.fixedMax = fixedMax;
    this.colour = colour;
    getChildren().add(canvas);
    getStyleClass().add("graph");
    setMinHeight(90);
    setPrefHeight(110);
  }

  @Override
  protected void layoutChildren() {
    canvas.setWidth(getWidth());
    canvas.setHeight(getHeight());
  }

  @Override
  protected double computePrefWidth(double height) {
    return 320;
  }

  /** The current value as the graph's title shows it ("12.5 %"), for tests and tooltips. */
  String shownValue() {
    return shown;
  }

  private static double width(String text) {
    javafx.scene.text.Text t = new javafx.scene.text.Text(text);
    t.setFont(TITLE);
    return t.getLayoutBounds().getWidth();
  }

  /** How many times it has drawn. */
  int draws() {
    return draws;
  }

  /** Draws {@code samples} (oldest first), the newest at the right edge. */
  void draw(List<VmSample> samples, long nowMillis, String whenEmpty) {
    draws++;
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.clearRect(0, 0, w, h);
    boolean dark = CanvasInk.dark();
    Color ink = dark ? Color.web("#e6edf3") : Color.web("#263238");
    g.setFill(dark ? Color.web("#161b22") : Color.web("#f6f8fa"));
    g.fillRoundRect(0, 0, w, h, 8, 8);
    double top = PAD + 16;
    double plotH = Math.max(10, h - top - PAD);
    double plotW = Math.max(10, w - 2 * PAD);
    double max = fixedMax;
    double last = Double.NaN;
    for (VmSample s : samples) {
      double v = value.applyAsDouble(s);
      if (!Double.isNaN(v) && v >= 0) {
        max = fixedMax > 0 ? fixedMax : Math.max(max, v);
        last = v;
      }
    }
    if (max <= 0) {
      max = 1;
    }
    shown = Double.isNaN(last) ? "" : format.apply(last);
    g.setFont(TITLE);
    g.setTextBaseline(VPos.TOP);
    g.setTextAlign(TextAlignment.LEFT);
    g.setFill(ink);
    g.fillText(title, PAD, PAD);
    // the value after the title, with the scale's top if there is room; no value: words in the plot
    double room = w - 2 * PAD - width(title) - 12;
    if (!shown.isEmpty()) {
      String withMax = shown + (fixedMax > 0 ? "" : "  (max " + format.apply(max) + ")");
      g.setTextAlign(TextAlignment.RIGHT);
      g.fillText(width(withMax) <= room ? withMax : shown, w - PAD, PAD);
    } else if (!whenEmpty.isEmpty()) {
      g.setTextAlign(TextAlignment.CENTER);
      g.setFill(Color.GRAY);
      g.fillText(whenEmpty, w / 2, top + plotH / 2 - 7);
      g.setFill(ink);
    }
    // a grid line at half and at the top of the scale
    g.setStroke(Color.GRAY.deriveColor(0, 1, 1, 0.3));
    g.setLineWidth(1);
    g.strokeLine(PAD, top, PAD + plotW, top);
    g.strokeLine(PAD, top + plotH / 2, PAD + plotW, top + plotH / 2);
    g.strokeLine(PAD, top + plotH, PAD + plotW, top + plotH);
    g.setStroke(colour);
    g.setLineWidth(1.5);
    g.beginPath();
    boolean pen = false;
    for (VmSample s : samples) {
      double v = value.applyAsDouble(s);
      double x = PAD + plotW - (nowMillis - s.tMillis()) / (double) WINDOW_MS * plotW;
      if (Double.isNaN(v) || v < 0 || x < PAD) {
        pen = false;
        continue;
      }
      double y = top + plotH - Math.min(1, v / max) * plotH;
      if (pen) {
        g.lineTo(x, y);
      } else {
        g.moveTo(x, y);
        pen = true;
      }
    }
    g.stroke();
  }
}
