package dev.berth.app;

import dev.berth.backend.bundled.BundledVm;
import dev.berth.backend.qemu.QemuInstallation;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.backend.qemu.QemuVm;
import dev.berth.core.boot.ImageException;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import dev.berth.qmp.QmpJson;
import dev.berth.rfb.RfbClient;
import dev.berth.vm.AgentStatus;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Lifecycle;
import dev.berth.vm.LiveRun;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.RunRecorder;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
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

  /**
   * How often (in statistics samples, one a second) the Overview asks the agent again: often until
   * it answers, then seldom, since every probe is a connection to its one-client channel.
   */
  private static final int AGENT_PROBE_SECONDS = 5;

  private static final int AGENT_RECHECK_SECONDS = 30;

  private static final System.Logger LOG = System.getLogger(VmViewModel.class.getName());

  /** Where blocking backend work (starting QEMU, probing the agent) runs, off the FX thread. */
  private static final java.util.concurrent.ExecutorService BACKGROUND =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "berth-app-backend");
            t.setDaemon(true);
            return t;
          });

  private static final java.time.Duration DISPLAY_CONNECT_TIMEOUT = java.time.Duration.ofSeconds(5);

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
  private volatile RunningVm vm;
  private final StringProperty agent = new SimpleStringProperty("");
  private final StringProperty emulator = new SimpleStringProperty("");
  private final StringProperty accelerator = new SimpleStringProperty("");
  private long samples;
  private boolean agentAnswers;

  /** Receives console bytes on the core's worker thread. */
  public interface ConsoleSink {
    void write(byte[] b, int off, int len);
  }

  public VmViewModel(VmSpec spec, RunHistory history, BerthDirs dirs) {
    this.spec = spec;
    this.history = history;
    this.dirs = dirs;
    lookUpEmulator();
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
    lookUpEmulator();
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

  /**
   * What runs this VM: the bundled core, or the QEMU found for its architecture with its version —
   * or why QEMU cannot run it. Looked up off the FX thread.
   */
  public ReadOnlyStringProperty emulatorProperty() {
    return emulator;
  }

  /** How the running guest's code runs, and why ("TCG: …"); empty for the bundled core. */
  public ReadOnlyStringProperty acceleratorProperty() {
    return accelerator;
  }

  private void lookUpEmulator() {
    if (spec.backend() == VmSpec.Backend.BUNDLED) {
      emulator.set("Berth's bundled RISC-V core");
      return;
    }
    String arch = spec.arch();
    BACKGROUND.execute(
        () -> {
          String words;
          try {
            QemuInstallation q = QemuInstallation.find(arch);
            words = "QEMU " + q.version() + " (" + q.binary() + ")";
          } catch (QemuInstallation.MissingException e) {
            words = e.getMessage();
          }
          String w = words;
          Platform.runLater(() -> emulator.set(w));
        });
  }

  /** Whether a guest agent answers (probed at start and by {@link #refreshAgent}); "" if off. */
  public ReadOnlyStringProperty agentProperty() {
    return agent;
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

  /**
   * Starts the VM. Building it (reading and unpacking images, a first data disk, starting QEMU and
   * probing KVM) happens off the FX thread; the state shows Starting meanwhile.
   */
  public void start() {
    String name = name();
    if (isActive()) {
      message.set(name + " is already running");
      return;
    }
    VmSpec s = spec;
    lifecycle.starting();
    sync();
    message.set("Starting " + name + "…");
    BACKGROUND.execute(
        () -> {
          try {
            RunningVm v = s.backend() == VmSpec.Backend.QEMU ? QemuVm.launch(s, dirs) : bundled(s);
            Platform.runLater(() -> begin(v));
          } catch (java.io.IOException | ImageException e) {
            Platform.runLater(
                () -> {
                  lifecycle.startFailed();
                  sync();
                  message.set("Cannot start " + name + ": " + e.getMessage());
                });
          }
        });
  }

  private BundledVm bundled(VmSpec s) throws ImageException, java.io.IOException {
    Path socket = VmSockets.qmp(dirs, s.name());
    if (VmSockets.isLive(socket)) {
      throw new java.io.IOException("it is already running (" + socket + " answers)");
    }
    return BundledVm.create(s, dirs);
  }

  /** The started VM comes to the FX thread: listeners, display, history, then it runs. */
  private void begin(RunningVm v) {
    if (v instanceof BundledVm b) {
      framebuffer.set(b.display());
      adopt(b, null);
      try {
        b.start(dirs);
      } catch (java.io.IOException e) {
        events.add(time() + "  (no QMP socket: " + e.getMessage() + ")");
      }
    } else {
      adopt(v, null);
    }
    lifecycle.started();
    sync();
    message.set(name() + " started: " + v.describe());
  }

  /**
   * Looks for a QEMU this VM left running under an earlier Berth and reattaches to it; a stale
   * runtime directory (QEMU gone) is cleaned up and its run recorded as ended abnormally.
   */
  public void reattach() {
    if (spec.backend() != VmSpec.Backend.QEMU || isActive()) {
      return;
    }
    VmSpec s = spec;
    BACKGROUND.execute(
        () -> {
          QemuRuntime rt = QemuRuntime.of(dirs, s.name());
          if (!rt.isQemu()) {
            return;
          }
          Optional<QemuVm> live;
          try {
            live = QemuVm.attach(s, dirs);
          } catch (java.io.IOException e) {
            Platform.runLater(
                () -> message.set("Cannot reattach to " + s.name() + ": " + e.getMessage()));
            return;
          }
          if (live.isPresent()) {
            QemuVm q = live.get();
            Platform.runLater(
                () -> {
                  lifecycle.attached(q.state());
                  adopt(q, rt.run().orElse(null));
                  message.set("Reattached to " + s.name() + ": " + q.describe());
                });
          } else {
            Optional<Integer> run = rt.run();
            String detail = "QEMU ended while no Berth watched it; its exit status is unknown";
            rt.clean();
            run.ifPresent(n -> recordLostRun(n, detail));
          }
        });
  }

  private void recordLostRun(int run, String detail) {
    try (RunRecorder r = history.continueRun(name(), run)) {
      MachineExit lost =
          new MachineExit(MachineExit.Kind.CRASHED, ShutdownCause.HOST_ERROR, 1, detail);
      r.end(lost, Lifecycle.describe(lost));
    } catch (java.io.IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot record the end of run " + run, e);
    }
    Platform.runLater(
        () -> {
          runs.setAll(history.runs(name()));
          lastEnd.set("Last run: " + detail);
        });
  }

  /** Takes a started (or reattached) VM: listeners, console, history; on the FX thread. */
  private void adopt(RunningVm v, Integer continuedRun) {
    vm = v;
    initiator = Initiator.NONE;
    v.setConsoleSink(this::console);
    v.addListener(
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
    beginRun(continuedRun);
    sync();
    events.add(time() + (continuedRun == null ? "  (start) " : "  (reattached) ") + v.describe());
    accelerator.set(v.accelerator());
    if (!v.accelerator().isEmpty()) {
      events.add(time() + "  (accelerator) " + v.accelerator());
    }
    if (v instanceof QemuVm q) {
      if (continuedRun == null && recorder != null) {
        try {
          q.recordRun(recorder.run());
        } catch (java.io.IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot note the run number", e);
        }
      }
      q.startWatching();
      openDisplay(q);
    }
    refreshAgent();
  }

  /** Connects to QEMU's VNC display off the FX thread; it closes when the run ends. */
  private void openDisplay(QemuVm q) {
    BACKGROUND.execute(
        () -> {
          try {
            RfbClient display = RfbClient.connect(q.runtime().vnc(), DISPLAY_CONNECT_TIMEOUT);
            q.exit().whenComplete((x, e) -> display.close());
            display.onFailure(
                why ->
                    Platform.runLater(
                        () -> {
                          if (vm == q && isActive()) {
                            events.add(time() + "  (display) " + why);
                          }
                        }));
            Platform.runLater(
                () -> {
                  if (vm == q && isActive()) {
                    framebuffer.set(display);
                  } else {
                    display.close();
                  }
                });
          } catch (java.io.IOException e) {
            Platform.runLater(() -> events.add(time() + "  (no display) " + e.getMessage()));
          }
        });
  }

  /** Asks, off the FX thread, whether a guest agent answers; the Overview shows it. */
  public void refreshAgent() {
    RunningVm v = vm;
    if (v == null || !isActive()) {
      agentAnswers = false;
      agent.set("");
      return;
    }
    BACKGROUND.execute(
        () -> {
          AgentStatus a = v.probeAgent();
          Platform.runLater(
              () -> {
                if (v == vm && isActive()) {
                  agentAnswers = a.answers();
                  agent.set(a.describe());
                }
              });
        });
  }

  /** Presses the ACPI power button and waits for the guest, showing how long it takes. */
  public void powerButton() {
    if (!requireRunning("press the power button")) {
      return;
    }
    Boolean listens = vm.guestListensToButton();
    report(vm.powerButton(), "Power button");
    lifecycle.buttonPressed();
    sync();
    initiator = Initiator.USER;
    beginWait();
    message.set(
        Boolean.FALSE.equals(listens)
            ? "Power button pressed, but the guest has not enabled it: the press may be lost"
            : "Power button pressed: waiting for the guest to shut down");
  }

  /**
   * Shut down: the guest agent when one answers, else the ACPI power button, as libvirt does. The
   * status line then says which path was taken.
   */
  public void shutDown() {
    if (!requireRunning("shut down")) {
      return;
    }
    RunningVm v = vm;
    lifecycle.buttonPressed();
    sync();
    initiator = Initiator.USER;
    beginWait();
    message.set("Shutting down: asking the guest agent…");
    events.add(time() + "  (shutdown) asked: the guest agent if it answers, else the power button");
    v.shutDown()
        .whenComplete(
            (path, error) ->
                Platform.runLater(
                    () -> {
                      if (v != vm) {
                        return;
                      }
                      if (error != null) {
                        message.set("Cannot shut down " + name() + ": " + rootMessage(error));
                      } else {
                        message.set(path.describe());
                        events.add(time() + "  (shutdown) " + path.describe());
                      }
                    }));
  }

  public void quit() {
    if (!requireActive("quit")) {
      return;
    }
    initiator = Initiator.USER;
    report(vm.quit(), "Quit");
    lifecycle.stopping();
    sync();
    message.set("Quitting the emulator (the guest gets no notice)");
  }

  public void forceOff() {
    if (!requireActive("force off")) {
      return;
    }
    initiator = Initiator.USER;
    RunningVm v = vm;
    report(v.terminate(), "Force off");
    lifecycle.stopping();
    sync();
    message.set("Forcing off: terminate now, kill in " + FORCE_OFF_KILL_SECONDS + " s if needed");
    TIMERS.schedule(
        () -> {
          if (!v.exit().isDone()) {
            v.kill();
          }
        },
        FORCE_OFF_KILL_SECONDS,
        TimeUnit.SECONDS);
  }

  /** The signal paths alone, without force off's escalation. */
  public enum Signal {
    INTERRUPT,
    TERMINATE,
    KILL
  }

  /** Sends one signal (or its in-process analogue on the bundled core). */
  public void signal(Signal s) {
    if (!requireActive("send a signal")) {
      return;
    }
    initiator = Initiator.USER;
    switch (s) {
      case INTERRUPT -> report(vm.interrupt(), "SIGINT");
      case TERMINATE -> report(vm.terminate(), "SIGTERM");
      case KILL -> report(vm.kill(), "SIGKILL");
    }
    lifecycle.stopping();
    sync();
    message.set(
        "Sent SIG" + (s == Signal.INTERRUPT ? "INT" : s == Signal.TERMINATE ? "TERM" : "KILL"));
  }

  /** Ctrl+Alt+Del on the guest's keyboard. */
  public void sendCtrlAltDel() {
    if (requireRunning("send Ctrl+Alt+Del")) {
      report(vm.sendCtrlAltDel(), "Ctrl+Alt+Del");
      message.set("Sent Ctrl+Alt+Del");
    }
  }

  /** True if the running VM can take Ctrl+Alt+Del (it has a keyboard). */
  public boolean hasKeyboard() {
    RunningVm v = vm;
    return v != null && v.hasKeyboard() && isActive();
  }

  /**
   * The Ctrl+C path of a terminal-started app: shutdown with cause host-signal for the VMs that
   * live in this process; QEMU VMs run on, in their own session.
   */
  void terminateForHostSignal() {
    RunningVm v = vm;
    if (v != null && !v.outlivesApp() && !v.exit().isDone()) {
      v.terminate();
    }
  }

  /** True if the VM runs and would stop with the app (the bundled core). */
  boolean diesWithApp() {
    RunningVm v = vm;
    return isActive() && v != null && !v.outlivesApp();
  }

  /** Completes when the current run, if any, is over. */
  java.util.concurrent.CompletableFuture<MachineExit> exitFuture() {
    return vm == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : vm.exit();
  }

  public void reset() {
    if (requireActive("reset")) {
      report(vm.reset(), "Reset");
      message.set("Reset requested");
    }
  }

  public void togglePause() {
    if (!requireActive("pause")) {
      return;
    }
    if (vm.state() == RunState.PAUSED) {
      report(vm.resume(), "Resume");
      message.set("Resuming");
    } else {
      report(vm.pause(), "Pause");
      message.set("Pausing");
    }
  }

  /** Keys typed in the console go to the guest's serial port. */
  public void type(byte[] bytes) {
    if (vm != null && isActive()) {
      vm.type(bytes);
    }
  }

  public void type(String text) {
    type(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A failed request shows as one line in the status bar (and its event log). */
  private void report(java.util.concurrent.CompletableFuture<?> request, String what) {
    RunningVm v = vm;
    request.whenComplete(
        (ok, error) -> {
          if (error != null) {
            Platform.runLater(
                () -> {
                  if (v == vm) {
                    message.set(what + " failed: " + rootMessage(error));
                    events.add(time() + "  (" + what + " failed) " + rootMessage(error));
                  }
                });
          }
        });
  }

  private static String rootMessage(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.io.UncheckedIOException)
        && t.getCause() != null
        && t.getMessage() == null) {
      t = t.getCause();
    }
    if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private boolean requireActive(String what) {
    if (vm == null || !isActive()) {
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
    RunningVm m = vm;
    long t0 = System.nanoTime();
    int timeout = buttonTimeoutSeconds();
    javafx.animation.Timeline tick = new javafx.animation.Timeline();
    tick.getKeyFrames()
        .add(
            new javafx.animation.KeyFrame(
                javafx.util.Duration.seconds(1),
                e -> {
                  if (m != vm || !isActive() || waitedSeconds.get() < 0) {
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
    RunningVm v = vm;
    stats.set(v == null || !isActive() ? "" : v.sampleStats());
    // the agent starts late in the guest's boot and may stop: look again every few seconds
    int every = agentAnswers ? AGENT_RECHECK_SECONDS : AGENT_PROBE_SECONDS;
    if (v != null && isActive() && ++samples % every == 0) {
      refreshAgent();
    }
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
    // the why and the log first, the state last: whoever sees "Shut off" finds its reason there
    lastEnd.set(words);
    events.add(time() + "  (end) " + words);
    message.set(name() + ": " + words);
    endWait();
    agentAnswers = false;
    agent.set("");
    sync();
    if (initiator == Initiator.NONE || exit.kind() == MachineExit.Kind.CRASHED) {
      unexpectedStop.accept(words);
    }
    initiator = Initiator.NONE;
  }

  /** Starts recording a run, or goes on with {@code continued} after a reattach. */
  private void beginRun(Integer continued) {
    int number = runs.isEmpty() ? 1 : runs.get(runs.size() - 1).number() + 1;
    long startMicros = nowMicros();
    try {
      recorder =
          continued == null ? history.startRun(name()) : history.continueRun(name(), continued);
      number = recorder.run();
    } catch (java.io.IOException e) {
      recorder = null;
      message.set("Run history cannot be written: " + e.getMessage());
    }
    if (continued != null) {
      for (int i = runs.size() - 1; i >= 0; i--) {
        if (runs.get(i).number() == continued) {
          startMicros = runs.get(i).startMicros();
          runs.remove(i);
          break;
        }
      }
    }
    liveRun = new LiveRun(number, startMicros, lifecycle.state());
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
