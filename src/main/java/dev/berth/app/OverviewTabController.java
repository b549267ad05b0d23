package dev.berth.app;

import dev.berth.vm.VmSample;
import dev.berth.vm.VmSpec;
import java.util.List;
import java.util.Locale;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.value.ObservableStringValue;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.util.Duration;

/**
 * The Overview tab, a details page: the VM's name and what runs it, live graphs of the last five
 * minutes (guest CPU, the emulator's host CPU, its memory, console output, disk I/O), then its
 * settings, its emulator and accelerator, and the guest agent. The session measures once a second
 * on its own thread; the graphs draw at most twice a second, and only while the tab shows.
 */
public final class OverviewTabController {
  /** The graphs' redraw period: at most 2 Hz. */
  static final Duration REDRAW = Duration.millis(500);

  @FXML private StackPane overviewIcon;
  @FXML private Label overviewName;
  @FXML private Label overviewWhat;
  @FXML private GridPane graphs;
  @FXML private GridPane details;
  @FXML private Label overviewSpec;
  @FXML private Label overviewStats;

  private final GraphView guestCpu =
      new GraphView(
          "Guest CPU",
          VmSample::guestCpu,
          v -> String.format(Locale.ROOT, "%.0f %%", v),
          100,
          Color.web("#2e7d32"));
  private final GraphView hostCpu =
      new GraphView(
          "Host CPU of the emulator",
          VmSample::hostCpu,
          v -> String.format(Locale.ROOT, "%.0f %%", v),
          0,
          Color.web("#1565c0"));
  private final GraphView memory =
      new GraphView(
          "Memory (host, resident)",
          s -> s.memoryBytes() < 0 ? Double.NaN : s.memoryBytes() / 1048576.0,
          v -> String.format(Locale.ROOT, "%.0f MiB", v),
          0,
          Color.web("#6a1b9a"));
  private final GraphView disk =
      new GraphView(
          "Disk I/O (read + written)",
          VmSample::diskBytesPerSecond,
          OverviewTabController::rate,
          0,
          Color.web("#00838f"));
  private final GraphView console =
      new GraphView(
          "Console output",
          VmSample::consoleBytesPerSecond,
          OverviewTabController::rate,
          0,
          Color.web("#ef6c00"));

  private VmViewModel model;
  private ObservableList<VmSample> samples = javafx.collections.FXCollections.emptyObservableList();
  private final ListChangeListener<VmSample> changed = c -> dirty = true;
  private boolean dirty = true;
  private final javafx.beans.value.ChangeListener<dev.berth.vm.VmState> restate =
      (o, was, is) -> dirty = true;

  @FXML
  void initialize() {
    graphs.add(guestCpu, 0, 0);
    graphs.add(hostCpu, 1, 0);
    graphs.add(memory, 2, 0);
    graphs.add(console, 0, 1);
    graphs.add(disk, 1, 1);
    disk.setId("diskGraph");
    guestCpu.setId("guestCpuGraph");
    hostCpu.setId("hostCpuGraph");
    memory.setId("memoryGraph");
    console.setId("consoleGraph");
    Timeline redraw = new Timeline(new KeyFrame(REDRAW, e -> redrawIfShown()));
    redraw.setCycleCount(Timeline.INDEFINITE);
    redraw.play();
  }

  /** The graphs, for tests. */
  List<GraphView> graphs() {
    return List.of(guestCpu, hostCpu, memory, console, disk);
  }

  private void redrawIfShown() {
    if (model == null || !dirty || !showing()) {
      return;
    }
    dirty = false;
    long now = System.currentTimeMillis();
    boolean bundled = model.spec().backend() == VmSpec.Backend.BUNDLED;
    String off = model.isActive() ? "measuring…" : "shown while it runs";
    guestCpu.draw(
        samples,
        now,
        model.isActive() && unmeasured(samples, VmSample::guestCpu)
            ? "not measured on this backend"
            : off);
    hostCpu.draw(samples, now, off);
    memory.draw(
        samples,
        now,
        bundled ? "guest RAM " + model.spec().memoryMiB() + " MiB, allocated at start" : off);
    console.draw(samples, now, off);
    disk.draw(
        samples,
        now,
        model.isActive() && unmeasured(samples, VmSample::diskBytesPerSecond)
            ? (bundled ? "no disks" : "not measured on this backend") // the core counts any disk
            : off);
  }

  /** Samples enough to tell (the first has no rate yet), and not one measured this figure. */
  static boolean unmeasured(
      List<VmSample> samples, java.util.function.ToDoubleFunction<VmSample> f) {
    return samples.size() >= 3 && samples.stream().allMatch(s -> Double.isNaN(f.applyAsDouble(s)));
  }

  /** Showing: in a window, its tab the selected one. */
  private boolean showing() {
    javafx.scene.Node n = graphs;
    if (n.getScene() == null || n.getScene().getWindow() == null) {
      return false;
    }
    for (; n != null; n = n.getParent()) {
      if (!n.isVisible()) {
        return false;
      }
    }
    return true;
  }

  static String rate(double bytesPerSecond) {
    return bytesPerSecond < 1024
        ? String.format(Locale.ROOT, "%.0f B/s", bytesPerSecond)
        : String.format(Locale.ROOT, "%.1f KiB/s", bytesPerSecond / 1024);
  }

  void show(VmViewModel model) {
    if (this.model != null) {
      this.model.stateProperty().removeListener(restate);
    }
    this.model = model;
    samples.removeListener(changed);
    samples = model.samples();
    samples.addListener(changed);
    dirty = true;
    overviewStats.textProperty().bind(model.statsProperty());
    model.stateProperty().addListener(restate);
    showSpec(model);
  }

  /** After an edit: the settings as saved. */
  void showSpec(VmViewModel model) {
    VmSpec c = model.spec();
    overviewIcon.getChildren().setAll(ActionControls.icon(c.backend()));
    overviewName.setText(model.name());
    String backend =
        switch (c.backend()) {
          case BUNDLED -> "Berth's bundled core (RV64IMAFDC, Berth board)";
          case QEMU ->
              "QEMU, " + c.arch() + " " + (c.machine() == null ? "(default machine)" : c.machine());
          case LIBVIRT -> "libvirt, " + c.connection();
        };
    overviewWhat.setText(backend);
    String command =
        !c.append().isEmpty()
            ? c.append()
            : c.bundledGuest() != null ? "(the bundled guest's own)" : "(none)";
    details.getChildren().clear();
    row(0, "Backend", backend);
    row(1, "Memory", c.memoryMiB() + " MiB");
    row(2, "CPUs", Integer.toString(Math.max(1, c.cpus())));
    row(3, "Kernel", String.valueOf(c.kernel()));
    row(4, "Command line", command);
    row(5, "Disks", c.disks().isEmpty() ? "(none)" : String.join(", ", c.disks()));
    row(6, "Power-button timeout", model.buttonTimeoutSeconds() + " s");
    bound(7, "Emulator", model.emulatorProperty(), "");
    bound(8, "Accelerator", model.acceleratorProperty(), "(the bundled core's own tiers)");
    bound(9, "Guest agent", model.agentProperty(), "shown while the VM runs");
    overviewSpec.setText(
        String.format(
            "Name:      %s%nBackend:   %s%nMemory:    %d MiB%n"
                + "Kernel:    %s%nCommand:   %s%nPower-button timeout: %d s",
            model.name(),
            backend,
            c.memoryMiB(),
            c.kernel(),
            command,
            model.buttonTimeoutSeconds()));
  }

  private Label key(String text) {
    Label k = new Label(text);
    k.getStyleClass().add("detail-key");
    return k;
  }

  private void row(int i, String name, String value) {
    Label v = new Label(value);
    v.setWrapText(true);
    details.addRow(i, key(name), v);
  }

  private void bound(int i, String name, ObservableStringValue value, String whenEmpty) {
    Label v = new Label();
    v.setWrapText(true);
    v.textProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () -> value.get() == null || value.get().isEmpty() ? whenEmpty : value.get(),
                value));
    details.addRow(i, key(name), v);
  }
}
