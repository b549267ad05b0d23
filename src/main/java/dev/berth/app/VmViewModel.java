package dev.berth.app;

import dev.berth.backend.bundled.BundledMachines;
import dev.berth.core.boot.ImageException;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineEvent;
import dev.berth.core.machine.MachineExit;
import dev.berth.core.machine.MachineListener;
import dev.berth.core.machine.RunState;
import dev.berth.qmp.QmpJson;
import dev.berth.qmp.VmEndpoints;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Lifecycle;
import dev.berth.vm.LiveRun;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.RunRecorder;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One VM as the desktop sees it: observable state, the wait for the guest after a power-button
 * press, the last run's end, the event log, statistics and the console output. Machine callbacks
 * arrive on the core's worker thread and move to the FX thread; console bytes go straight to a sink
 * the view installs (it batches them itself).
 */
public final class VmViewModel {
  /** libvirt's destroy: SIGTERM, then SIGKILL if the VM is still there 10 s later. */
  static final long FORCE_OFF_KILL_SECONDS = 10;

  private static final ScheduledExecutorService TIMERS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "berth-app-timers");
            t.setDaemon(true);
            return t;
          });

  /** Who asked for the transition under way: notifications are for the ones the user did not. */
  private enum Initiator {
    NONE,
    USER
  }

  private VmSpec spec;
  private final RunHistory history;
  private final BerthDirs dirs;
  private final Lifecycle lifecycle = new Lifecycle();
  private final ObservableList<Run> runs = FXCollections.observableArrayList();
  private LiveRun liveRun;
  private RunRecorder recorder;
  private final ObjectProperty<VmState> state = new SimpleObjectProperty<>(VmState.SHUT_OFF);
  private final StringProperty lastEnd = new SimpleStringProperty("");
  private final StringProperty message = new SimpleStringProperty("");
  private final IntegerProperty waitedSeconds = new SimpleIntegerProperty(-1);
  private final BooleanProperty waitTimedOut = new SimpleBooleanProperty(false);
  private final StringProperty stats = new SimpleStringProperty("");
  private final ObjectProperty<dev.berth.display.GuestDisplay> framebuffer =
      new SimpleObjectProperty<>();
  private final ObservableList<String> events = FXCollections.observableArrayList();
  private final ByteArrayOutputStream earlyConsole = new ByteArrayOutputStream();
  private volatile ConsoleSink consoleSink;
  private Consumer<String> unexpectedStop = s -> {};
  private Initiator initiator = Initiator.NONE;
  private volatile Machine machine;
  private long startedNanos;
  private long lastCpuNanos;
  private long lastInstructions;
  private long lastSampleNanos;

  /** Receives console bytes on the core's worker thread. */
  public interface ConsoleSink {
    void write(byte[] b, int off, int len);
  }

  public VmViewModel(VmSpec spec, RunHistory history, BerthDirs dirs) {
    this.spec = spec;
    this.history = history;
    this.dirs = dirs;
    runs.setAll(history.runs(spec.name()));
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).end() != null) {
        lastEnd.set("Last run: " + runs.get(i).end().words());
        break;
      }
    }
  }

  public String name() {
    return spec.name();
  }

  public VmSpec spec() {
    return spec;
  }

  /** A new spec takes effect at the next start. */
  public void setSpec(VmSpec spec) {
    this.spec = spec;
    message.set(
        isActive()
            ? "Settings saved; they take effect the next time " + name() + " starts"
            : "Settings saved");
  }

  public int buttonTimeoutSeconds() {
    return spec.powerButtonTimeoutSeconds();
  }

  /** Past runs from the history, then the one under way; updated as it happens. */
  public ObservableList<Run> runs() {
    return runs;
  }

  public ReadOnlyObjectProperty<VmState> stateProperty() {
    return state;
  }

  public ReadOnlyStringProperty lastEndProperty() {
    return lastEnd;
  }

  /** A one-line message for the status bar: what the last action did, or why it could not. */
  public ReadOnlyStringProperty messageProperty() {
    return message;
  }

  /** Seconds since the power button was pressed while the guest has not stopped; -1 if none. */
  public ReadOnlyIntegerProperty waitedSecondsProperty() {
    return waitedSeconds;
  }

  /** True once the guest has not stopped within its power-button timeout. */
  public ReadOnlyBooleanProperty waitTimedOutProperty() {
    return waitTimedOut;
  }

  /** The display of the current (or last) run, if its machine has one. */
  public ReadOnlyObjectProperty<dev.berth.display.GuestDisplay> framebufferProperty() {
    return framebuffer;
  }

  /** Uptime, guest speed and host CPU use of the core, refreshed every second while running. */
  public ReadOnlyStringProperty statsProperty() {
    return stats;
  }

  public ObservableList<String> events() {
    return events;
  }

  /** Called on the FX thread with the words, when a run ends that the user did not end. */
  public void setOnUnexpectedStop(Consumer<String> handler) {
    this.unexpectedStop = handler;
  }

  /** Where console output goes; output printed before a sink was set is replayed to it. */
  public void setConsoleSink(ConsoleSink sink) {
    synchronized (earlyConsole) {
      if (earlyConsole.size() > 0) {
        byte[] b = earlyConsole.toByteArray();
        sink.write(b, 0, b.length);
        earlyConsole.reset();
      }
      consoleSink = sink;
    }
  }

  private void console(byte[] b, int off, int len) {
    ConsoleSink sink = consoleSink;
    if (sink != null) {
      sink.write(b, off, len);
      return;
    }
    synchronized (earlyConsole) {
      earlyConsole.write(b, off, len);
    }
  }

  public boolean isActive() {
    return state.get().isActive();
  }

  public void start() {
    String name = name();
    if (isActive()) {
      message.set(name + " is already running");
      return;
    }
    if (spec.backend() != VmSpec.Backend.BUNDLED) {
      message.set("Cannot start " + name + ": the QEMU backend is not available in this build yet");
      return;
    }
    Machine m;
    try {
      m = new Machine(BundledMachines.config(spec));
    } catch (ImageException e) {
      message.set("Cannot start " + name + ": " + e.getMessage());
      return;
    }
    m.setSerialSink(this::console);
    m.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            Platform.runLater(() -> eventArrived(e));
          }

          @Override
          public void onExit(MachineExit exit) {
            Platform.runLater(() -> exited(exit));
          }
        });
    Path socket = VmSockets.qmp(dirs, name);
    if (VmSockets.isLive(socket)) {
      message.set("Cannot start " + name + ": it is already running (" + socket + " answers)");
      return;
    }
    machine = m;
    framebuffer.set(new dev.berth.backend.bundled.BundledDisplay(m.framebuffer(), null));
    initiator = Initiator.NONE;
    lifecycle.starting();
    beginRun();
    sync();
    events.add(time() + "  (start)");
    startedNanos = lastSampleNanos = System.nanoTime();
    lastCpuNanos = 0;
    lastInstructions = 0;
    m.start();
    serveQmp(m);
    lifecycle.started();
    sync();
    message.set(name + " started");
  }

  /** Scripts and the CLI reach the VM (QMP, serial console) while it runs; closed with the run. */
  private void serveQmp(Machine m) {
    try {
      VmEndpoints.open(m, dirs, name());
    } catch (java.io.IOException e) {
      events.add(time() + "  (no QMP socket: " + e.getMessage() + ")");
    }
  }

  /** Presses the ACPI power button and waits for the guest, showing how long it takes. */
  public void powerButton() {
    if (!requireRunning("press the power button")) {
      return;
    }
    boolean listens = machine.guestListensToButton();
    machine.powerButton();
    lifecycle.buttonPressed();
    sync();
    initiator = Initiator.USER;
    beginWait();
    message.set(
        listens
            ? "Power button pressed: waiting for the guest to shut down"
            : "Power button pressed, but the guest has not enabled it: the press may be lost");
  }

  /**
   * Shut down: the guest agent when one answers, else the ACPI power button, as libvirt does. The
   * bundled core has no agent channel yet, so it always takes the ACPI path, and says so.
   */
  public void shutDown() {
    if (!requireRunning("shut down")) {
      return;
    }
    powerButton();
    message.set(
        "Shut down via the ACPI power button (no guest agent on this machine); " + message.get());
  }

  public void quit() {
    if (!requireActive("quit")) {
      return;
    }
    initiator = Initiator.USER;
    machine.quit();
    lifecycle.stopping();
    sync();
    message.set("Quitting the emulator (the guest gets no notice)");
  }

  public void forceOff() {
    if (!requireActive("force off")) {
      return;
    }
    initiator = Initiator.USER;
    Machine m = machine;
    m.terminate();
    lifecycle.stopping();
    sync();
    message.set("Forcing off: terminate now, kill in " + FORCE_OFF_KILL_SECONDS + " s if needed");
    TIMERS.schedule(
        () -> {
          if (!m.exit().isDone()) {
            m.kill();
          }
        },
        FORCE_OFF_KILL_SECONDS,
        TimeUnit.SECONDS);
  }

  /** The Ctrl+C path of a terminal-started app: shutdown with cause host-signal. */
  void terminateForHostSignal() {
    Machine m = machine;
    if (m != null && !m.exit().isDone()) {
      m.terminate();
    }
  }

  /** Completes when the current run, if any, is over. */
  java.util.concurrent.CompletableFuture<MachineExit> exitFuture() {
    return machine == null
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : machine.exit();
  }

  public void reset() {
    if (requireActive("reset")) {
      machine.reset();
      message.set("Reset requested");
    }
  }

  public void togglePause() {
    if (!requireActive("pause")) {
      return;
    }
    if (machine.state() == RunState.PAUSED) {
      machine.resume();
      message.set("Resuming");
    } else {
      machine.pause();
      message.set("Pausing");
    }
  }

  /** Keys typed in the console go to the guest's serial port. */
  public void type(byte[] bytes) {
    if (machine != null && isActive()) {
      machine.sendSerial(bytes, 0, bytes.length);
    }
  }

  public void type(String text) {
    type(text.getBytes(StandardCharsets.UTF_8));
  }

  private boolean requireActive(String what) {
    if (machine == null || !isActive()) {
      message.set("Cannot " + what + ": " + name() + " is not running");
      return false;
    }
    return true;
  }

  private boolean requireRunning(String what) {
    if (!requireActive(what)) {
      return false;
    }
    if (state.get() == VmState.PAUSED || state.get() == VmState.SUSPENDED) {
      // As Proxmox refuses: a paused guest cannot react to the button.
      message.set(
          "Cannot "
              + what
              + ": "
              + name()
              + " is "
              + state.get().label().toLowerCase()
              + "; resume it first");
      return false;
    }
    return true;
  }

  private void beginWait() {
    waitedSeconds.set(0);
    waitTimedOut.set(false);
    Machine m = machine;
    long t0 = System.nanoTime();
    int timeout = buttonTimeoutSeconds();
    javafx.animation.Timeline tick = new javafx.animation.Timeline();
    tick.getKeyFrames()
        .add(
            new javafx.animation.KeyFrame(
                javafx.util.Duration.seconds(1),
                e -> {
                  if (m != machine || !isActive() || waitedSeconds.get() < 0) {
                    tick.stop();
                    return;
                  }
                  int s = (int) ((System.nanoTime() - t0) / 1_000_000_000L);
                  waitedSeconds.set(s);
                  if (s >= timeout && !waitTimedOut.get()) {
                    waitTimedOut.set(true);
                    message.set(
                        name()
                            + " did not shut down within "
                            + timeout
                            + " s: the guest may be ignoring the power button");
                  }
                }));
    tick.setCycleCount(javafx.animation.Animation.INDEFINITE);
    tick.play();
  }

  private void endWait() {
    waitedSeconds.set(-1);
    waitTimedOut.set(false);
  }

  /** Refreshes the statistics line; the view calls it once a second. */
  void sampleStats() {
    Machine m = machine;
    if (m == null || !isActive()) {
      stats.set("");
      return;
    }
    long now = System.nanoTime();
    long cpu = m.hostCpuNanos();
    long insns = m.instructionsRetired();
    double dt = Math.max(1, now - lastSampleNanos);
    double cpuShare = cpu < 0 ? Double.NaN : (cpu - lastCpuNanos) / dt * 100;
    double mips = (insns - lastInstructions) / dt * 1000;
    lastSampleNanos = now;
    lastCpuNanos = cpu;
    lastInstructions = insns;
    long up = (now - startedNanos) / 1_000_000_000L;
    stats.set(
        String.format(
            "up %d:%02d:%02d · %.1f MIPS · core thread %.1f %% of a host CPU · power button %s",
            up / 3600,
            up / 60 % 60,
            up % 60,
            mips,
            cpuShare,
            m.guestListensToButton() ? "enabled by the guest" : "not enabled by the guest"));
  }

  private void eventArrived(MachineEvent e) {
    lifecycle.onEvent(e);
    liveRun.event(e);
    if (recorder != null) {
      recorder.event(e);
    }
    sync();
    if (e.name().equals(MachineEvent.RESUME) || e.name().equals(MachineEvent.RESET)) {
      endWait();
    }
    events.add(time() + "  " + QmpJson.eventLine(e));
  }

  private void exited(MachineExit exit) {
    lifecycle.onExit(exit);
    String words = Lifecycle.describe(exit);
    liveRun.end(exit, words, nowMicros());
    if (recorder != null) {
      recorder.end(exit, words);
      recorder = null;
    }
    sync();
    endWait();
    lastEnd.set(words);
    events.add(time() + "  (end) " + words);
    message.set(name() + ": " + words);
    if (initiator == Initiator.NONE || exit.kind() == MachineExit.Kind.CRASHED) {
      unexpectedStop.accept(words);
    }
    initiator = Initiator.NONE;
  }

  private void beginRun() {
    int number = runs.isEmpty() ? 1 : runs.get(runs.size() - 1).number() + 1;
    try {
      recorder = history.startRun(name());
      number = recorder.run();
    } catch (java.io.IOException e) {
      recorder = null;
      message.set("Run history cannot be written: " + e.getMessage());
    }
    liveRun = new LiveRun(number, nowMicros(), lifecycle.state());
    runs.add(liveRun.snapshot());
    if (recorder != null) {
      recorder.state(lifecycle.state(), nowMicros());
    }
  }

  /** Publishes the lifecycle's state to the view, the live run and the history. */
  private void sync() {
    VmState now = lifecycle.state();
    if (liveRun != null && now != state.get()) {
      long t = nowMicros();
      liveRun.state(now, t);
      if (recorder != null && now.isActive()) {
        recorder.state(now, t);
      }
    }
    state.set(now);
    if (liveRun != null && !runs.isEmpty()) {
      runs.set(runs.size() - 1, liveRun.snapshot());
    }
  }

  private static long nowMicros() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  private static String time() {
    return java.time.LocalTime.now().withNano(0).toString();
  }
}
