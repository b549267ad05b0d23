package dev.berth.app;

import dev.berth.vm.VmSample;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/**
 * A VM list row's CPU over the last minute: the guest's CPU where the backend measures it, else the
 * emulator's host CPU. Redrawn when a sample arrives (once a second); its row shows it while the VM
 * runs.
 */
final class Sparkline extends Canvas {
  static final int SECONDS = 60;
  private final ListChangeListener<VmSample> changed = c -> draw();
  private ObservableList<VmSample> samples;
  private double last = Double.NaN;

  Sparkline() {
    super(60, 14);
    getStyleClass().add("sparkline");
  }

  void show(ObservableList<VmSample> list) {
    if (samples != null) {
      samples.removeListener(changed);
    }
    samples = list;
    if (list != null) {
      list.addListener(changed);
    }
    draw();
  }

  /** The last value drawn, in percent (NaN if none), for tests. */
  double last() {
    return last;
  }

  private static double value(VmSample s) {
    return Double.isNaN(s.guestCpu()) ? Math.min(100, s.hostCpu()) : s.guestCpu();
  }

  private void draw() {
    GraphicsContext g = getGraphicsContext2D();
    double w = getWidth();
    double h = getHeight();
    g.clearRect(0, 0, w, h);
    last = Double.NaN;
    if (samples == null || samples.isEmpty()) {
      return;
    }
    int from = Math.max(0, samples.size() - SECONDS);
    g.setStroke(Color.web("#2e7d32"));
    g.setLineWidth(1.2);
    g.beginPath();
    boolean pen = false;
    for (int i = from; i < samples.size(); i++) {
      double v = value(samples.get(i));
      double x = w - (samples.size() - 1 - i) * (w / (SECONDS - 1));
      if (Double.isNaN(v)) {
        pen = false;
        continue;
      }
      double y = h - 1 - Math.max(0, Math.min(100, v)) / 100 * (h - 2);
      if (pen) {
        g.lineTo(x, y);
      } else {
        g.moveTo(x, y);
        pen = true;
      }
      last = v;
    }
    g.stroke();
  }
}
