package dev.berth.backend.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.backend.agent.GuestAgent;
import dev.berth.event.Listeners;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.AgentStatus;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.KeyChord;
import dev.berth.vm.PrivateFiles;
import dev.berth.vm.RunningVm;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A VM on real QEMU. QEMU runs in a session of its own, so it outlives the Berth process that
 * started it; Berth talks to it over its own QMP monitor (commands on one control thread, never the
 * caller's, each with a timeout), reads events on a watcher thread, and turns the events and the
 * process's end into the same run lifecycle as the bundled core: the SHUTDOWN event's cause,
 * SIGKILL as killed with no event, a non-zero exit without SHUTDOWN as a crash with QEMU's output.
 */
public final class QemuVm implements RunningVm {
  /** How long a QMP command may take before the call fails. */
  static final long COMMAND_MILLIS = 5000;

  private static final long START_MILLIS = 10_000;
  private static final int REPLAY_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(QemuVm.class.getName());
  private static final java.time.Duration DISPLAY_CONNECT_TIMEOUT = java.time.Duration.ofSeconds(5);
  private static final java.util.concurrent.Executor DISPLAYS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "qemu-display-connect");
            t.setDaemon(true);
            return t;
          });

  private final VmSpec spec;
  private final QemuInstallation qemu;
  private final QemuRuntime rt;
  private final AccelDecision accel;
  private final Process process;
  private final ProcessHandle handle;
  private final QmpClient monitor;
  private final GuestAgent agent;
  private final ExecutorService control;
  private final Listeners listeners = new Listeners();
  private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
  private final long startedNanos = System.nanoTime();
  private final long startedMillis = System.currentTimeMillis();
  private volatile RunState state;
  private volatile ShutdownCause shutdownCause;
  private volatile boolean killedHere;
  private volatile ConsoleSink consoleSink;
  private volatile SocketChannel serial;
  private boolean watching;
  private volatile boolean detached;
  private final QemuSavedState saved;
  private final QemuSnapshots snapshots;

  /** Set once this run's state is on disk: the quit that follows ends it as saved. */
  private volatile boolean savedHere;

  private QemuVm(
      VmSpec spec,
      QemuInstallation qemu,
      QemuRuntime rt,
      AccelDecision accel,
      Process process,
      ProcessHandle handle,
      QmpClient monitor,
      RunState state,
      QemuSavedState saved,
      QemuSnapshots snapshots) {
    this.saved = saved;
    this.snapshots = snapshots;
    this.spec = spec;
    this.qemu = qemu;
    this.rt = rt;
    this.accel = accel;
    this.process = process;
    this.handle = handle;
    this.monitor = monitor;
    this.state = state;
    this.agent = new GuestAgent(rt.qga());
    this.control =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "qemu-control-" + spec.name());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts QEMU for {@code spec}, detached from this process, and connects to its monitor. Call
   * {@link #startWatching} once listeners and the console sink are in place.
   *
   * @throws IOException with one readable line: QEMU missing, already running, or it would not
   *     start (with the end of its output)
   */
  public static QemuVm launch(VmSpec spec, BerthDirs dirs) throws IOException {
    QemuInstallation qemu = QemuInstallation.find(spec.arch());
    QemuRuntime rt = QemuRuntime.of(dirs, spec.name());
    if (VmSockets.isLive(rt.qmp()) || VmSockets.isLive(rt.monitor())) {
      throw new IOException(spec.name() + " is already running (" + rt.dir() + ")");
    }
    Optional<ProcessHandle> running = rt.process();
    if (running.isPresent()) {
      // its sockets are gone or it does not answer (stopped, hung): still one VM, one QEMU
      throw new IOException(
          spec.name()
              + " is already running on QEMU pid "
              + running.get().pid()
              + ", which does not answer on its sockets; force it off first");
    }
    VmSockets.vmDir(dirs, spec.name());
    rt.clean();
    new ConsoleTranscript(rt).reset();
    Files.deleteIfExists(rt.log());
    Files.createFile(rt.log(), PrivateFiles.fileMode(rt.log())); // 0600 before QEMU writes to it
    AccelDecision accel = AccelDecision.decide(spec.accel(), qemu);
    QemuSavedState saved = new QemuSavedState(dirs, spec.name());
    boolean restore = saved.where().exists();
    // a memory snapshot the VM was put back to while off: QEMU loads it as it starts
    QemuSnapshots snapshots = new QemuSnapshots(spec, dirs);
    String loadvm = restore ? null : snapshots.tagToLoad().orElse(null);
    List<String> cmd = new ArrayList<>();
    Optional<Path> setsid = Executables.onPath("setsid");
    setsid.ifPresent(p -> cmd.add(p.toString()));
    // umask 0177: QEMU's sockets, pid file and serial log are 0600 (its default gave 0755).
    cmd.addAll(List.of("/bin/sh", "-c", "umask 0177 && exec \"$@\"", "berth-qemu"));
    try {
      cmd.addAll(QemuCommandLine.build(spec, qemu, rt, accel.accel()));
      if (restore) {
        cmd.addAll(List.of("-incoming", "defer")); // the saved state, loaded over the monitor
      } else if (loadvm != null) {
        cmd.addAll(List.of("-loadvm", loadvm));
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    LOG.log(System.Logger.Level.DEBUG, "starting " + String.join(" ", cmd));
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(rt.log().toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
    while (!VmSockets.isLive(rt.monitor())) {
      if (!p.isAlive()) {
        rt.clean();
        throw new IOException(
            "QEMU did not start (exit status " + p.exitValue() + "): " + lastLine(rt));
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        rt.clean();
        throw new IOException("QEMU did not open its monitor within " + START_MILLIS + " ms");
      }
      sleepBriefly(); // QEMU creates the socket when ready; there is nothing to wait on
    }
    QmpClient monitor;
    try {
      monitor = new QmpClient(rt.monitor(), COMMAND_MILLIS);
    } catch (IOException e) {
      // QEMU opens its monitor before it loads the kernel: a bad image ends it right after
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      if (p.isAlive()) {
        p.destroyForcibly();
        throw e;
      }
      rt.clean();
      throw new IOException(
          "QEMU did not start (exit status " + p.exitValue() + "): " + lastLine(rt), e);
    }
    if (restore) {
      try {
        saved.restore(monitor);
      } catch (IOException e) {
        p.destroyForcibly();
        rt.clean();
        throw saved.where().refused(spec.name(), e.getMessage(), e);
      }
    }
    Files.deleteIfExists(snapshots.loadAtStart()); // loaded, or superseded by the saved state
    return new QemuVm(
        spec, qemu, rt, accel, p, p.toHandle(), monitor, RunState.RUNNING, saved, snapshots);
  }

  /**
   * Reattaches to the QEMU a previous Berth process started for {@code spec}, if it still runs. The
   * current state comes from {@code query-status}.
   *
   * @return empty if there is no live QEMU for this VM (a stale directory is left for the caller to
   *     record and clean)
   */
  public static Optional<QemuVm> attach(VmSpec spec, BerthDirs dirs) throws IOException {
    QemuRuntime rt = QemuRuntime.of(dirs, spec.name());
    Optional<ProcessHandle> h = rt.process();
    if (h.isEmpty()) {
      return Optional.empty();
    }
    QemuInstallation qemu = QemuInstallation.find(spec.arch());
    QmpClient monitor = new QmpClient(rt.monitor(), COMMAND_MILLIS);
    String status = monitor.execute("query-status", null).path("status").asText("running");
    RunState known = RunState.ofQapiName(status);
    RunState state = known != null ? known : RunState.RUNNING;
    String args = h.get().info().arguments().map(a -> String.join(" ", a)).orElse("");
    String accel = args.contains("accel=kvm") ? "kvm" : "tcg";
    return Optional.of(
        new QemuVm(
            spec,
            qemu,
            rt,
            new AccelDecision(accel, "as the running QEMU was started", false),
            null,
            h.get(),
            monitor,
            state,
            new QemuSavedState(dirs, spec.name()),
            new QemuSnapshots(spec, dirs)));
  }

  @Override
  public void begin() {
    startWatching();
  }

  /** Starts the threads that read events and the console; call once. */
  public synchronized void startWatching() {
    if (watching) {
      return;
    }
    watching = true;
    Thread events = new Thread(this::pumpEvents, "qemu-events-" + spec.name());
    events.setDaemon(true);
    events.start();
    Thread console = new Thread(this::pumpConsole, "qemu-serial-" + spec.name());
    console.setDaemon(true);
    console.start();
  }

  /**
   * Lets go of QEMU without stopping it, as a closing app does: the monitor and console connections
   * close, QEMU runs on and a later {@link #attach} finds it.
   */
  public void detach() {
    detached = true;
    try {
      monitor.close();
    } catch (IOException e) {
      // already closed
    }
    closeConsole();
    control.shutdown();
  }

  public QemuRuntime runtime() {
    return rt;
  }

  /** Notes the history run this QEMU belongs to, for a Berth that reattaches later. */
  public void recordRun(int run) throws IOException {
    rt.writeRun(run);
  }

  @Override
  public void noteRun(int run) {
    try {
      recordRun(run);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot note the run number of " + spec.name(), e);
    }
  }

  /** QEMU's VNC display, connected on a background thread; it closes when the run ends. */
  @Override
  public CompletableFuture<dev.berth.display.GuestDisplay> openDisplay() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            dev.berth.rfb.RfbClient display =
                dev.berth.rfb.RfbClient.connect(rt.vnc(), DISPLAY_CONNECT_TIMEOUT);
            exit.whenComplete((x, e) -> display.close());
            display.onFailure(
                why -> LOG.log(System.Logger.Level.INFO, spec.name() + " display: " + why));
            return display;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
          }
        },
        DISPLAYS);
  }

  /** What QEMU can do with this machine: ACPI's button and S3 on x86 only. */
  static java.util.Set<dev.berth.vm.Capability> capabilitiesOf(VmSpec spec) {
    java.util.Set<dev.berth.vm.Capability> can =
        java.util.EnumSet.of(
            dev.berth.vm.Capability.GUEST_AGENT,
            dev.berth.vm.Capability.KEYBOARD,
            dev.berth.vm.Capability.SIGINT,
            dev.berth.vm.Capability.SIGNALS,
            dev.berth.vm.Capability.OUTLIVES_APP,
            dev.berth.vm.Capability.SAVE_STATE);
    if (QemuSnapshots.problem(spec) == null) {
      can.add(dev.berth.vm.Capability.SNAPSHOTS);
    }
    if (spec.arch().equals("x86_64")) {
      can.add(dev.berth.vm.Capability.POWER_BUTTON);
      can.add(dev.berth.vm.Capability.SUSPEND);
    }
    return can;
  }

  @Override
  public java.util.Set<dev.berth.vm.Capability> capabilities() {
    return capabilitiesOf(spec);
  }

  public long pid() {
    return handle.pid();
  }

  /** True if this Berth process started QEMU (and so will see its exit status). */
  public boolean isChild() {
    return process != null;
  }

  private void pumpEvents() {
    try {
      while (true) {
        JsonNode e = monitor.nextEvent(1000);
        if (e != null) {
          publish(dev.berth.qmp.QmpJson.toEvent(e));
        }
      }
    } catch (IOException closed) {
      // QEMU closed its monitor: it is exiting (or was killed), or we detached
    } catch (RuntimeException e) {
      // a malformed event: the run's end must still be seen and the directory cleaned
      LOG.log(System.Logger.Level.WARNING, "QEMU's events of " + spec.name() + " failed", e);
    }
    if (!detached) {
      finish();
    }
  }

  private void publish(MachineEvent e) {
    state = state.after(e);
    if (e.name().equals(MachineEvent.SHUTDOWN)) {
      shutdownCause = e.cause();
    }
    listeners.event(e);
  }

  private void finish() {
    MachineExit end;
    try {
      // the monitor closes a moment before the process is gone
      handle.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "QEMU closed its monitor but did not exit", e);
    }
    end = exitOf(process == null || process.isAlive() ? null : process.exitValue());
    state = RunState.SHUTDOWN;
    closeConsole();
    rt.clean();
    control.shutdown();
    listeners.exit(end);
    exit.complete(end);
  }

  /** The run's end from what was seen: the SHUTDOWN cause, our SIGKILL and the exit status. */
  MachineExit exitOf(Integer status) {
    ShutdownCause cause = shutdownCause;
    // saved here, or by berth save in another process (its quit follows the state on disk)
    if (savedHere
        || cause == ShutdownCause.HOST_QMP_QUIT && saved.writtenSince(startedMillis - 1000)) {
      return MachineExit.saved(
          "QEMU's state in " + saved.file().getFileName() + ": Start restores it");
    }
    if (killedHere && cause == null) {
      return new MachineExit(MachineExit.Kind.KILLED, null, 0, "");
    }
    if (status == null) {
      // a reattached Berth is not QEMU's parent: a clean power-off on a board that sends no
      // SHUTDOWN event (riscv virt) looks the same as a crash, so say what is known
      return cause != null
          ? new MachineExit(MachineExit.Kind.SHUTDOWN, cause, 0, "")
          : MachineExit.unknown(
              "QEMU ended without a SHUTDOWN event, and a reattached Berth cannot see its exit"
                  + " status"
                  + tailSuffix());
    }
    if (status == 0) {
      if (cause != null) {
        return new MachineExit(MachineExit.Kind.SHUTDOWN, cause, 0, "");
      }
      // QEMU 7.2's virt board exits 0 with no SHUTDOWN event when the guest powers off via SBI.
      return new MachineExit(
          MachineExit.Kind.SHUTDOWN,
          ShutdownCause.GUEST_SHUTDOWN,
          0,
          "QEMU exited 0 without a SHUTDOWN event: the guest powered the board off");
    }
    if (status == 128 + 9 && cause == null) {
      return new MachineExit(MachineExit.Kind.KILLED, null, 0, "");
    }
    String how =
        status > 128
            ? "QEMU was killed by signal " + (status - 128)
            : "QEMU exited with status " + status;
    return new MachineExit(
        MachineExit.Kind.CRASHED, ShutdownCause.HOST_ERROR, status, how + tailSuffix());
  }

  private String tailSuffix() {
    String tail = rt.logTail(5);
    return tail.isEmpty() ? "" : ": " + tail.replace('\n', ' ');
  }

  private static String lastLine(QemuRuntime rt) {
    String tail = rt.logTail(3);
    return tail.isEmpty() ? "no output" : tail.replace('\n', ' ');
  }

  // ---- the serial console ----------------------------------------------------------------

  private void pumpConsole() {
    ConsoleTranscript transcript = new ConsoleTranscript(rt);
    boolean keeping = catchUp(transcript);
    try {
      SocketChannel ch = dev.berth.qapi.QapiChannel.connect(rt.serial());
      serial = ch;
      try (InputStream in = Channels.newInputStream(ch)) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          ConsoleSink sink = consoleSink;
          if (sink != null) {
            sink.write(buf, 0, n);
          }
          if (keeping) {
            keeping = keep(transcript, buf, n);
          }
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "serial console of " + spec.name() + " closed", e);
    } finally {
      try {
        transcript.close();
      } catch (IOException e) {
        // nothing more to write
      }
    }
  }

  /**
   * Before connecting: Berth's transcript brought up to date and, after a reattach, shown, so the
   * user sees what the guest printed while no Berth was watching — as the socket carried it, not as
   * QEMU's log repeated it. Without a transcript, the end of QEMU's log is the best there is.
   */
  private boolean catchUp(ConsoleTranscript transcript) {
    byte[] history;
    boolean keeping;
    try {
      history = transcript.catchUp(REPLAY_BYTES);
      keeping = true;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "no console transcript for " + spec.name(), e);
      history = serialLogTail();
      keeping = false;
    }
    ConsoleSink sink = consoleSink;
    if (process == null && sink != null && history != null && history.length > 0) {
      sink.write(history, 0, history.length);
    }
    return keeping;
  }

  private boolean keep(ConsoleTranscript transcript, byte[] buf, int n) {
    try {
      transcript.append(buf, 0, n);
      return true;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "console transcript of " + spec.name() + " stopped", e);
      return false;
    }
  }

  private byte[] serialLogTail() {
    try {
      return PrivateFiles.readTail(rt.serialLog(), REPLAY_BYTES);
    } catch (IOException e) {
      return null; // no log yet
    }
  }

  private void closeConsole() {
    SocketChannel ch = serial;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  // ---- RunningVm ---------------------------------------------------------------------------

  @Override
  public String describe() {
    String machine =
        spec.machine() != null ? spec.machine() : QemuCommandLine.defaultMachine(spec.arch());
    return "QEMU "
        + qemu.versionNumber()
        + ", "
        + spec.arch()
        + " "
        + machine
        + ", "
        + accel.accel().toUpperCase(java.util.Locale.ROOT)
        + ", pid "
        + handle.pid();
  }

  @Override
  public Map<String, String> endpoints() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("QMP", rt.qmp().toString());
    m.put("serial", rt.serial() + " (berth console " + spec.name() + ")");
    m.put("agent", rt.qga().toString());
    m.put("display", rt.vnc() + " (VNC)");
    return m;
  }

  @Override
  public String accelerator() {
    return accel.describe();
  }

  @Override
  public void addListener(MachineListener listener) {
    listeners.add(listener);
  }

  @Override
  public void setConsoleSink(ConsoleSink sink) {
    consoleSink = sink;
  }

  @Override
  public void type(byte[] bytes) {
    byte[] copy = bytes.clone();
    onControl(
        "serial write",
        () -> {
          SocketChannel ch = serial;
          if (ch != null) {
            ByteBuffer b = ByteBuffer.wrap(copy);
            while (b.hasRemaining()) {
              ch.write(b);
            }
          }
          return null;
        });
  }

  /** Blocking work for QEMU (a socket or a process call). */
  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} on the control thread, never the caller's; an I/O error fails the future with
   * one line, and so does any request after the run is over.
   */
  private <T> CompletableFuture<T> onControl(String what, IoWork<T> work) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              return work.run();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(what + ": " + e.getMessage(), e);
            }
          },
          control);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new IOException(what + ": " + spec.name() + " is no longer running"));
    }
  }

  private CompletableFuture<Void> qmp(String command, ObjectNode args) {
    return onControl(
        command,
        () -> {
          monitor.execute(command, args);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> powerButton() {
    return qmp("system_powerdown", null);
  }

  @Override
  public CompletableFuture<ShutdownPath> shutDown() {
    return onControl(
        "shut down", () -> agent.shutDown(() -> monitor.execute("system_powerdown", null)));
  }

  @Override
  public CompletableFuture<Void> quit() {
    return qmp("quit", null);
  }

  @Override
  public CompletableFuture<dev.berth.vm.Snapshot> takeSnapshot(String tag, String description) {
    return snapshotJob("take a snapshot", s -> s.take(monitor, tag, description));
  }

  @Override
  public CompletableFuture<Void> revertSnapshot(String tag) {
    return snapshotJob(
        "go back to a snapshot",
        s -> {
          s.revert(monitor, tag);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> deleteSnapshot(String tag) {
    return snapshotJob(
        "delete a snapshot",
        s -> {
          s.delete(monitor, tag);
          return null;
        });
  }

  @FunctionalInterface
  private interface SnapshotWork<T> {
    T run(QemuSnapshots snapshots) throws IOException;
  }

  /** On the control thread, once the VM's disks are known to hold snapshots. */
  private <T> CompletableFuture<T> snapshotJob(String what, SnapshotWork<T> work) {
    String problem = QemuSnapshots.problem(spec);
    if (problem != null) {
      return CompletableFuture.failedFuture(new IOException(problem));
    }
    return onControl(what, () -> work.run(snapshots));
  }

  /** QEMU's migration stream to a file, then quit: the next launch loads it. */
  @Override
  public CompletableFuture<Void> saveState() {
    return onControl(
        "save state",
        () -> {
          saved.save(monitor);
          savedHere = true;
          monitor.execute("quit", null);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> terminate() {
    return signal("TERM");
  }

  @Override
  public CompletableFuture<Void> interrupt() {
    return signal("INT");
  }

  @Override
  public CompletableFuture<Void> kill() {
    killedHere = true;
    return signal("KILL");
  }

  /** Signals go to QEMU's pid: it is not in our process group, Ctrl+C here never reaches it. */
  private CompletableFuture<Void> signal(String name) {
    return onControl(
        "SIG" + name,
        () -> {
          ProcessSignals.send(handle, name);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> reset() {
    return qmp("system_reset", null);
  }

  @Override
  public CompletableFuture<Void> pause() {
    return qmp("stop", null);
  }

  @Override
  public CompletableFuture<Void> resume() {
    return qmp("cont", null);
  }

  @Override
  public CompletableFuture<Void> wakeUp() {
    return qmp("system_wakeup", null);
  }

  @Override
  public CompletableFuture<Void> sendCtrlAltDel() {
    return sendKeys(KeyChord.CTRL_ALT_DEL);
  }

  @Override
  public CompletableFuture<Void> sendKeys(KeyChord chord) {
    ObjectNode args = JSON.createObjectNode();
    ArrayNode keys = args.putArray("keys");
    for (String k : chord.qcodes()) {
      keys.addObject().put("type", "qcode").put("data", k);
    }
    return qmp("send-key", args);
  }

  @Override
  public CompletableFuture<String> reboot() {
    ObjectNode args = JSON.createObjectNode();
    ArrayNode keys = args.putArray("keys");
    for (String k : KeyChord.CTRL_ALT_DEL.qcodes()) {
      keys.addObject().put("type", "qcode").put("data", k);
    }
    return onControl("reboot", () -> agent.reboot(() -> monitor.execute("send-key", args)));
  }

  @Override
  public RunState state() {
    return state;
  }

  @Override
  public CompletableFuture<MachineExit> exit() {
    return exit;
  }

  @Override
  public Boolean guestListensToButton() {
    return null;
  }

  @Override
  public String sampleStats() {
    long up = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    Duration cpu = handle.info().totalCpuDuration().orElse(Duration.ZERO);
    return String.format(
        "%s · watched for %d:%02d:%02d · QEMU used %.1f s of host CPU",
        describe(), up / 3600, up / 60 % 60, up % 60, cpu.toMillis() / 1000.0);
  }

  /** QEMU's CPU time as the kernel counts it (not for the stuck-guest check: a GUI is quiet). */
  @Override
  public long emulatorCpuNanos() {
    return handle.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  private volatile long diskBytes = -1;
  private final java.util.concurrent.atomic.AtomicBoolean diskAsked =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * The guest's disk traffic from QEMU's {@code query-blockstats} (read and written bytes of every
   * drive): asked on the control thread, so this returns what the last answer said.
   */
  @Override
  public long diskBytes() {
    if (diskAsked.compareAndSet(false, true)) {
      onControl(
              "query-blockstats",
              () -> {
                long sum = 0;
                for (JsonNode d : monitor.execute("query-blockstats", null)) {
                  JsonNode st = d.path("stats");
                  sum += st.path("rd_bytes").asLong(0) + st.path("wr_bytes").asLong(0);
                }
                diskBytes = sum;
                return null;
              })
          .whenComplete((x, e) -> diskAsked.set(false));
    }
    return diskBytes;
  }

  /** QEMU's vCPU threads (query-cpus-fast's thread ids, each once); null until known. */
  private volatile long[] vcpuThreads;

  private final java.util.concurrent.atomic.AtomicBoolean vcpusAsked =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Host time the guest's CPUs spent halted, averaged over QEMU's vCPU threads: wall time less what
   * the kernel's scheduler statistics ({@code /proc/<pid>/task/<tid>/schedstat}) count as running
   * or waiting to run. A vCPU in HLT or WFI sleeps on a condition in QEMU, neither, as the bundled
   * core's worker parks in WFI; a busy one that the loaded host keeps waiting still counts as busy.
   * (Under KVM, halt polling would count a little idle time as busy.) QMP has no such figure; the
   * thread ids are asked once, on the control thread. -1 until they are known or when unreadable.
   */
  @Override
  public long guestIdleNanos() {
    long[] threads = vcpuThreads;
    if (threads == null) {
      if (vcpusAsked.compareAndSet(false, true)) {
        onControl(
                "query-cpus-fast",
                () -> {
                  vcpuThreads =
                      java.util.stream.StreamSupport.stream(
                              monitor.execute("query-cpus-fast", null).spliterator(), false)
                          .mapToLong(c -> c.path("thread-id").asLong(-1))
                          .filter(t -> t > 0)
                          .distinct()
                          .toArray();
                  return null;
                })
            .whenComplete(
                (x, e) -> {
                  if (e != null) {
                    vcpusAsked.set(false); // asked again at the next sample
                  }
                });
      }
      return -1;
    }
    if (threads.length == 0) {
      return -1;
    }
    long now = System.nanoTime();
    long busy = 0;
    for (long tid : threads) {
      try {
        String[] f =
            Files.readString(
                    Path.of(
                        "/proc",
                        Long.toString(handle.pid()),
                        "task",
                        Long.toString(tid),
                        "schedstat"))
                .trim()
                .split(" ");
        busy += Long.parseLong(f[0]) + Long.parseLong(f[1]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }
    return now - busy / threads.length;
  }

  /** QEMU's resident set, from {@code /proc/<pid>/statm} (pages of 4 KiB). */
  @Override
  public long memoryBytes() {
    try {
      String[] f =
          Files.readString(Path.of("/proc", Long.toString(handle.pid()), "statm")).split(" ");
      return Long.parseLong(f[1].trim()) * 4096;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public AgentStatus probeAgent() {
    return agent.probe();
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
