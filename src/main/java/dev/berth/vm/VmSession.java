package dev.berth.vm;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One VM's life in this process, with no UI: starting it through its backend, the lifecycle state,
 * the power menu's rules (what a paused guest may not do, the wait after the power button and the
 * timed "force off?" offer, force off's escalation), agent probing, statistics and the run history.
 * The app's view model and {@code berth start} are both thin clients of this class.
 *
 * <p>Every change happens on the session's own thread, in order: user actions from any thread, the
 * backend's events from its threads and the one-second tick are all posted there, and {@link
 * SessionListener}s are called there. Blocking work (starting, probing the agent) runs on a shared
 * pool and posts its result back.
 */
public final class VmSession implements VmControls {
  /**
   * How often the agent is asked while it does not answer, and once it does: each probe takes its
   * one-client channel.
   */
  static final int AGENT_PROBE_SECONDS = 5;

  static final int AGENT_RECHECK_SECONDS = 30;

  /**
   * Seconds of no console output with the emulator busy (at least half a host CPU) after which the
   * guest is said to be stuck. A booting guest prints far more often; an idle one waits in WFI.
   */
  static final int STALL_SECONDS = 10;

  private static final System.Logger LOG = System.getLogger(VmSession.class.getName());

  private static final ExecutorService BLOCKING =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "berth-backend");
            t.setDaemon(true);
            return t;
          });

  private static final ScheduledExecutorService TICKS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "berth-session-ticks");
            t.setDaemon(true);
            return t;
          });

  private final Backends backends;
  private final RunHistory history;
  private final BerthDirs dirs;
  private final ThreadPoolExecutor serial;
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  private final Lifecycle lifecycle = new Lifecycle();
  private final ByteArrayOutputStream earlyConsole = new ByteArrayOutputStream();

  private volatile VmSpec spec;
  private volatile VmState state = VmState.SHUT_OFF;
  private volatile RunningVm vm;
  private volatile RunningVm.ConsoleSink consoleSink;
  private volatile List<Run> runs;
  private volatile Set<Capability> capabilities;

  /** Console bytes the current run has printed; written by the backend's console thread only. */
  private volatile long consoleBytes;

  // the session thread's alone
  private LiveRun liveRun;
  private String origin = "";

  /** Splits the console into lines (the console thread's only). */
  private ConsoleLines stepLines = new ConsoleLines();

  private volatile boolean wasStopping;

  /**
   * The last lines the guest printed while it ran, oldest first (the console thread adds, the
   * session thread takes; guarded by itself): when the guest powers itself off, the ones of its own
   * shutdown become the run's steps.
   */
  private final java.util.ArrayDeque<Run.ConsoleLine> recentLines = new java.util.ArrayDeque<>();

  /**
   * Set once the guest's own shutdown took the recent lines: later ones are steps (guarded too).
   */
  private boolean recentTaken;

  /** When a line was last entered at this session's console ({@link #type}), or -1. */
  private volatile long lastEnterMicros = -1;

  /**
   * A guest's own shutdown is the burst of lines that ends in its power-off: a line printed longer
   * than this before the next one (or the power-off) belongs to what went before.
   */
  static final long OWN_SHUTDOWN_GAP_MICROS = 10_000_000L;

  private RunRecorder recorder;
  private boolean userAsked;
  private long waitStartNanos = -1;
  private boolean waitTimedOut;
  private ScheduledFuture<?> ticker;
  private long ticks;
  private boolean agentAnswers;
  private String lastEnd = "";
  private static final String LAST_RUN = "Last run: ";
  private VmLock runLock;

  /** Completes once the current run's end is in the history (a process may then exit). */
  private volatile CompletableFuture<Void> recorded = CompletableFuture.completedFuture(null);

  private long consoleSeen;
  private long cpuAtLastOutput;
  private int quietSeconds;
  private String stalled = "";

  /** Polls the lock of this VM while another process runs it; null when none does. */
  private ScheduledFuture<?> lockWatch;

  /** A reattach is looking for the VM (session thread only). */
  private boolean reattaching;

  public VmSession(VmSpec spec, Backends backends, RunHistory history, BerthDirs dirs) {
    this.spec = spec;
    this.backends = backends;
    this.history = history;
    this.dirs = dirs;
    this.serial =
        new ThreadPoolExecutor(
            0,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "berth-session-" + spec.name());
              t.setDaemon(true);
              return t;
            });
    this.runs = List.copyOf(history.runs(spec.historyKey()));
    this.capabilities = backends.forSpec(spec).capabilities(spec);
    lastEnd = lastEndOf(runs);
  }

  /** "Last run: …" for the newest run with an end, or "". */
  private static String lastEndOf(List<Run> runs) {
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).end() != null) {
        return LAST_RUN + runs.get(i).end().words();
      }
    }
    return "";
  }

  // ---- what observers read -----------------------------------------------------------------

  public String name() {
    return spec.name();
  }

  public VmSpec spec() {
    return spec;
  }

  public VmState state() {
    return state;
  }

  public boolean isActive() {
    return state.isActive();
  }

  public List<Run> runs() {
    return runs;
  }

  public Set<Capability> capabilities() {
    return capabilities;
  }

  /** The VM of the current (or last) run, or null before the first. */
  public RunningVm vm() {
    return vm;
  }

  /** What the action does on this VM's backend beyond its row's words; "" if nothing. */
  public String caveat(VmAction action) {
    return backends.forSpec(spec).caveat(spec, action);
  }

  /** Why the action cannot be used now, or null when it can. */
  public String disabledReason(VmAction action) {
    return action.disabledReason(state, capabilities);
  }

  /**
   * Adds a listener and tells it where things stand: state, runs, the last end, the emulator
   * (looked up off this thread) and capabilities.
   */
  public void addListener(SessionListener l) {
    listeners.add(l);
    on(
        () -> {
          call(l, x -> x.stateChanged(state));
          call(l, x -> x.runsChanged(runs));
          call(l, x -> x.lastEnd(lastEnd));
          call(l, x -> x.capabilities(capabilities));
          lookUpEmulator(l);
        });
  }

  /** A new spec takes effect at the next start. */
  public void setSpec(VmSpec newSpec) {
    spec = newSpec; // at once: the caller shows it; the next start uses it
    on(
        () -> {
          if (!state.isActive()) {
            capabilities = backends.forSpec(newSpec).capabilities(newSpec);
            tell(l -> l.capabilities(capabilities));
          }
          listeners.forEach(this::lookUpEmulator);
          tell(
              l ->
                  l.message(
                      state.isActive()
                          ? "Settings saved; they take effect the next time " + name() + " starts"
                          : "Settings saved"));
        });
  }

  /** Where console output goes (on a backend's thread); what came before is replayed to it. */
  public void setConsoleSink(RunningVm.ConsoleSink sink) {
    synchronized (earlyConsole) {
      if (earlyConsole.size() > 0) {
        byte[] b = earlyConsole.toByteArray();
        sink.write(b, 0, b.length);
        earlyConsole.reset();
      }
      consoleSink = sink;
    }
  }

  /** Keys typed at the console go to the guest's serial port. */
  public void type(byte[] bytes) {
    RunningVm v = vm;
    if (v != null && state.isActive()) {
      for (byte b : bytes) {
        if (b == '\r' || b == '\n') {
          lastEnterMicros = MachineEvent.nowMicros();
          break;
        }
      }
      v.type(bytes);
    }
  }

  // ---- starting and reattaching ------------------------------------------------------------

  @Override
  public CompletableFuture<Void> start() {
    CompletableFuture<Void> started = new CompletableFuture<>();
    on(
        () -> {
          if (state.isActive()) {
            tell(l -> l.message(name() + " is already running"));
            started.completeExceptionally(new IOException(name() + " is already running"));
            return;
          }
          VmSpec s = spec;
          lifecycle.starting();
          sync();
          tell(l -> l.message("Starting " + s.name() + "…"));
          BLOCKING.execute(
              () -> {
                VmLock lock = null;
                try {
                  lock = VmLock.acquire(dirs, s.name());
                  java.util.Optional<String> saved = backends.forSpec(s).savedState(s, dirs);
                  if (saved.isPresent()) {
                    on(
                        () -> {
                          lifecycle.restoring();
                          sync();
                          log("(restoring) " + saved.get());
                          tell(l -> l.message("Restoring " + s.name() + " from " + saved.get()));
                        });
                  }
                  RunningVm v = backends.forSpec(s).start(s, dirs);
                  // a VM in this process holds the lock for its run; one that runs on its own
                  // (QEMU) is found by its live sockets and verified process from now on
                  VmLock held = lock;
                  if (v.outlivesApp()) {
                    held.close();
                  }
                  on(
                      () -> {
                        if (!v.outlivesApp()) {
                          runLock = held; // released once the run's end is recorded
                        }
                        adopt(v, null);
                        if (saved.isPresent()) {
                          log("(restored) the guest goes on where it was saved");
                        }
                        lifecycle.started();
                        sync();
                        tell(l -> l.message(name() + " started: " + v.describe()));
                        started.complete(null);
                      });
                } catch (IOException | RuntimeException e) {
                  if (lock != null) {
                    lock.close();
                  }
                  boolean heldElsewhere = lock == null && VmLock.isHeld(dirs, s.name());
                  on(
                      () -> {
                        lifecycle.startFailed();
                        sync();
                        tell(l -> l.message("Cannot start " + s.name() + ": " + e.getMessage()));
                        started.completeExceptionally(e);
                        if (heldElsewhere) {
                          watchLockHolder();
                        }
                      });
                }
              });
        });
    return started;
  }

  /**
   * Another process runs this VM: once it lets go of the VM's lock, "Cannot start" is no longer
   * true. Say so, with the run history that process wrote.
   */
  private void watchLockHolder() {
    if (lockWatch != null) {
      return;
    }
    lockWatch =
        TICKS.scheduleWithFixedDelay(
            () -> {
              if (!VmLock.isHeld(dirs, name())) {
                on(this::lockHolderGone);
              }
            },
            1,
            1,
            TimeUnit.SECONDS);
  }

  private void lockHolderGone() {
    if (lockWatch == null) {
      return;
    }
    lockWatch.cancel(false);
    lockWatch = null;
    if (state.isActive()) {
      return; // started here meanwhile: its own messages stand
    }
    runs = List.copyOf(history.runs(spec.historyKey()));
    lastEnd = lastEndOf(runs);
    tell(l -> l.runsChanged(runs));
    tell(l -> l.lastEnd(lastEnd));
    tell(l -> l.message(name() + " stopped in the other Berth process; it can start here now"));
  }

  /**
   * Takes up a run an earlier Berth left: reattaches to a VM still running, or records how a run
   * that ended unseen is known to have ended.
   */
  public void reattach() {
    on(
        () -> {
          // one look at a time: two would take up the same QEMU twice
          if (state.isActive() || reattaching) {
            return;
          }
          reattaching = true;
          VmSpec s = spec;
          BLOCKING.execute(
              () -> {
                Reattach found;
                try {
                  found = backends.forSpec(s).reattach(s, dirs);
                } catch (IOException e) {
                  on(() -> reattaching = false);
                  tellLater(
                      l -> l.message("Cannot reattach to " + s.name() + ": " + e.getMessage()));
                  return;
                }
                on(() -> reattaching = false);
                if (found.live() != null) {
                  RunningVm v = found.live();
                  on(
                      () -> {
                        lifecycle.attached(v.state());
                        adopt(v, found.run());
                        tell(l -> l.message("Reattached to " + s.name() + ": " + v.describe()));
                      });
                } else if (found.run() != null) {
                  on(() -> recordLostRun(found.run(), found.lostDetail()));
                } else {
                  on(this::settleUnseenEnd);
                }
              });
        });
  }

  private void recordLostRun(int run, String detail) {
    LostRuns.end(history, spec.historyKey(), run, detail);
    runs = List.copyOf(history.runs(spec.historyKey()));
    lastEnd = LAST_RUN + Lifecycle.describe(MachineExit.unknown(detail));
    tell(l -> l.runsChanged(runs));
    tell(l -> l.lastEnd(lastEnd));
  }

  /**
   * The last run has no end and no process runs the VM (nobody holds its lock): the Berth that ran
   * it died without saying how it ended. Record that, so no run lacks its end.
   */
  private void settleUnseenEnd() {
    Integer open = LostRuns.openRun(runs);
    if (open == null || state.isActive()) {
      return;
    }
    VmSpec s = spec;
    BLOCKING.execute(
        () ->
            backends
                .forSpec(s)
                .endedUnseen(s, dirs)
                .ifPresent(detail -> on(() -> recordLostRun(open, detail))));
  }

  /** Takes a started (or reattached) VM: listeners, console, history, display, agent. */
  private void adopt(RunningVm v, Integer continuedRun) {
    vm = v;
    recorded = new CompletableFuture<>();
    userAsked = false;
    v.setConsoleSink(this::console);
    v.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            on(() -> eventArrived(v, e));
          }

          @Override
          public void onExit(MachineExit exit) {
            on(() -> exited(v, exit));
          }
        });
    v.watchLink(
        new RunningVm.Link() {
          @Override
          public void lost(String why) {
            on(() -> linkLost(v, why));
          }

          @Override
          public void regained(RunState now) {
            on(() -> linkRegained(v, now));
          }
        });
    beginRun(v, continuedRun);
    sync();
    if (!lastEnd.isEmpty() && !lastEnd.startsWith(LAST_RUN)) {
      lastEnd = LAST_RUN + lastEnd; // a new run is under way: the old end is history
      tell(l -> l.lastEnd(lastEnd));
    }
    log(
        (v.recordsItsOwnRun() ? "(taken up) " : continuedRun == null ? "(start) " : "(reattached) ")
            + v.describe());
    String accel = v.accelerator();
    tell(l -> l.accelerator(accel));
    if (!accel.isEmpty()) {
      log("(accelerator) " + accel);
    }
    capabilities = v.capabilities();
    tell(l -> l.capabilities(capabilities));
    if (continuedRun == null && recorder != null) {
      v.noteRun(recorder.run());
    }
    try {
      v.begin();
    } catch (IOException e) {
      log("(no QMP socket: " + e.getMessage() + ")");
    }
    v.openDisplay()
        .whenComplete(
            (d, e) ->
                on(
                    () -> {
                      if (v != vm) {
                        return;
                      }
                      if (e != null) {
                        log("(no display) " + rootMessage(e));
                      } else if (d != null) {
                        tell(l -> l.display(d));
                      }
                    }));
    ticks = 0;
    consoleSeen = -1; // the first tick takes its own measure
    setStalled("");
    agentAnswers = false;
    if (ticker != null) {
      ticker.cancel(false);
    }
    lastSampleNanos = -1; // a new run: its graphs start afresh
    lastDisk = -1;
    lastConsole = consoleBytes;
    ticker = TICKS.scheduleAtFixedRate(() -> on(this::tick), 1, 1, TimeUnit.SECONDS);
    probeAgent(v);
  }

  private void console(byte[] b, int off, int len) {
    consoleBytes += len; // one writer: the run's console thread
    VmState now = state;
    boolean requested = now == VmState.POWERING_DOWN || now == VmState.STOPPING;
    boolean stopping = requested || now == VmState.SHUTTING_DOWN;
    if (requested && !wasStopping) {
      stepLines = new ConsoleLines(); // the steps begin with the first line after the request
    }
    wasStopping = stopping;
    for (String text : stepLines.feed(b, off, len)) {
      Run.ConsoleLine line = new Run.ConsoleLine(MachineEvent.nowMicros(), text);
      boolean step = stopping;
      if (!stopping) {
        synchronized (recentLines) {
          step = recentTaken; // the state is about to say so
          if (!step) {
            if (recentLines.size() == Run.MAX_STEPS) {
              recentLines.removeFirst();
            }
            recentLines.addLast(line);
          }
        }
      }
      if (step) {
        on(() -> step(line));
      }
    }
    RunningVm.ConsoleSink sink = consoleSink;
    if (sink != null) {
      sink.write(b, off, len);
      return;
    }
    synchronized (earlyConsole) {
      earlyConsole.write(b, off, len);
    }
  }

  /**
   * A line the guest printed while it was stopping: one of its shutdown steps, kept with the run
   * (the timeline marks them inside the stopping segment).
   */
  private void step(Run.ConsoleLine line) {
    if (keepStep(line)) {
      publishSteps();
    }
  }

  private boolean keepStep(Run.ConsoleLine line) {
    if (liveRun == null || !liveRun.step(line)) {
      return false;
    }
    if (recorder != null) {
      recorder.step(line);
    }
    return true;
  }

  /**
   * The guest powers itself off ({@code poweroff} typed in it, say): nobody asked, so its shutdown
   * began while it still showed as Running. Its steps are the burst of lines that ends at this
   * power-off — none printed more than {@link #OWN_SHUTDOWN_GAP_MICROS} before the next — and none
   * from before the last line entered at this console (the command that began it is the first).
   */
  private void ownShutdownSteps(long atMicros) {
    List<Run.ConsoleLine> burst = new ArrayList<>();
    synchronized (recentLines) {
      long next = atMicros;
      java.util.Iterator<Run.ConsoleLine> newestFirst = recentLines.descendingIterator();
      while (newestFirst.hasNext()) {
        Run.ConsoleLine line = newestFirst.next();
        if (next - line.tMicros() > OWN_SHUTDOWN_GAP_MICROS || line.tMicros() < lastEnterMicros) {
          break;
        }
        burst.add(0, line);
        next = line.tMicros();
      }
      recentLines.clear();
      recentTaken = true;
    }
    boolean kept = false;
    for (Run.ConsoleLine line : burst) {
      kept |= keepStep(line);
    }
    if (kept) {
      publishSteps();
    }
  }

  private void publishSteps() {
    if (!runs.isEmpty()) {
      List<Run> all = new ArrayList<>(runs);
      all.set(all.size() - 1, liveRun.snapshot());
      runs = List.copyOf(all);
      tell(l -> l.runsChanged(runs));
    }
  }

  /**
   * Who starts this session's runs, noted in the history's start record: {@link Run#CLI} for {@code
   * berth start}.
   */
  public void setOrigin(String by) {
    origin = by == null ? "" : by;
  }

  // ---- the power menu ----------------------------------------------------------------------

  /** Presses the ACPI power button and waits for the guest, counting the seconds. */
  @Override
  public CompletableFuture<?> powerButton() {
    return act(
        VmAction.POWER_BUTTON,
        v -> {
          Boolean listens = v.guestListensToButton();
          CompletableFuture<?> f = report(v.powerButton(), "Power button");
          lifecycle.buttonPressed();
          sync();
          userAsked = true;
          beginWait();
          tell(
              l ->
                  l.message(
                      Boolean.FALSE.equals(listens)
                          ? "Power button pressed, but the guest has not enabled it: the press may"
                              + " be lost"
                          : "Power button pressed: waiting for the guest to shut down"));
          return f;
        });
  }

  /** The guest agent when one answers, else the ACPI power button, as libvirt does. */
  @Override
  public CompletableFuture<?> shutDown() {
    return act(
        VmAction.SHUT_DOWN,
        v -> {
          lifecycle.buttonPressed();
          sync();
          userAsked = true;
          beginWait();
          tell(l -> l.message("Shutting down: asking the guest agent…"));
          log("(shutdown) asked: the guest agent if it answers, else the power button");
          return sayHowItWent(v, v.shutDown(), "shut down", "shutdown", ShutdownPath::describe);
        });
  }

  @Override
  public CompletableFuture<?> quit() {
    return act(
        VmAction.QUIT,
        v -> {
          userAsked = true;
          CompletableFuture<?> f = report(v.quit(), "Quit");
          lifecycle.stopping();
          sync();
          String caveat = caveat(VmAction.QUIT);
          tell(
              l ->
                  l.message(
                      "Quitting the emulator (the guest gets no notice)"
                          + (caveat.isEmpty() ? "" : ". " + caveat)));
          return f;
        });
  }

  /** Terminate now, kill in {@link ForceOff#KILL_AFTER_SECONDS} if the VM is still there. */
  @Override
  public CompletableFuture<?> forceOff() {
    return act(
        VmAction.FORCE_OFF,
        v -> {
          userAsked = true;
          lifecycle.stopping();
          sync();
          tell(
              l ->
                  l.message(
                      "Forcing off: terminate now, kill in "
                          + ForceOff.KILL_AFTER_SECONDS
                          + " s if needed"));
          return report(v.forceOff(), "Force off");
        });
  }

  @Override
  public CompletableFuture<?> interrupt() {
    return signal(VmAction.INTERRUPT, "SIGINT", RunningVm::interrupt);
  }

  @Override
  public CompletableFuture<?> terminate() {
    return signal(VmAction.TERMINATE, "SIGTERM", RunningVm::terminate);
  }

  @Override
  public CompletableFuture<?> kill() {
    return signal(VmAction.KILL, "SIGKILL", RunningVm::kill);
  }

  private CompletableFuture<?> signal(
      VmAction action,
      String name,
      java.util.function.Function<RunningVm, CompletableFuture<Void>> send) {
    return act(
        action,
        v -> {
          userAsked = true;
          CompletableFuture<?> f = report(send.apply(v), name);
          lifecycle.stopping();
          sync();
          tell(l -> l.message("Sent " + name));
          return f;
        });
  }

  @Override
  public CompletableFuture<?> reset() {
    return simple(VmAction.RESET, RunningVm::reset, "Reset", "Reset requested");
  }

  @Override
  public CompletableFuture<?> pause() {
    return simple(VmAction.PAUSE, RunningVm::pause, "Pause", "Pausing");
  }

  @Override
  public CompletableFuture<?> resume() {
    return simple(VmAction.RESUME, RunningVm::resume, "Resume", "Resuming");
  }

  @Override
  public CompletableFuture<?> wakeUp() {
    return simple(VmAction.WAKE_UP, RunningVm::wakeUp, "Wake up", "Waking up");
  }

  /** Saving ends the run as the user asked; the next start goes on from the saved state. */
  @Override
  public CompletableFuture<?> saveState() {
    return act(
        VmAction.SAVE_STATE,
        v -> {
          userAsked = true;
          CompletableFuture<?> f = report(v.saveState(), "Save state");
          lifecycle.saving();
          sync();
          tell(l -> l.message("Saving " + name() + "'s state…"));
          return f;
        });
  }

  /** The VM's snapshots, read off this thread's way (files only). */
  public java.util.List<Snapshot> snapshots() throws IOException {
    VmSpec s = spec;
    return backends.forSpec(s).snapshots(s, dirs);
  }

  /**
   * Takes snapshot {@code tag}: of the running machine (it stops for the moment it takes), or of
   * the disks (and saved state) of a VM that is off.
   */
  public CompletableFuture<Snapshot> takeSnapshot(String tag, String description) {
    return snapshotWork(
        "Snapshot " + tag,
        v -> onTheRun(v, v.takeSnapshot(tag, description), MachineEvent.SNAPSHOT_SAVED, tag),
        (b, s) -> b.takeSnapshot(s, dirs, tag, description),
        made -> "took snapshot " + made.describe());
  }

  /**
   * Goes back to snapshot {@code tag}: a running VM goes on from it at once (a RESET with cause
   * snapshot-load on its run); one that is off gets its disks back, and its next start goes on from
   * the snapshot's machine state if it has one.
   */
  public CompletableFuture<Object> revertSnapshot(String tag) {
    return snapshotWork(
        "Revert to " + tag,
        v ->
            onTheRun(v, v.revertSnapshot(tag), MachineEvent.SNAPSHOT_LOADED, tag)
                .thenApply(x -> (Object) tag),
        (b, s) -> {
          b.revertSnapshot(s, dirs, tag);
          return tag;
        },
        x -> "went back to snapshot " + tag);
  }

  public CompletableFuture<Object> deleteSnapshot(String tag) {
    return snapshotWork(
        "Delete snapshot " + tag,
        v -> v.deleteSnapshot(tag).thenApply(x -> (Object) tag),
        (b, s) -> {
          b.deleteSnapshot(s, dirs, tag);
          return tag;
        },
        x -> "deleted snapshot " + tag);
  }

  /** Once {@code work} is done, the run's history gets {@code event} with the snapshot's tag. */
  private <T> CompletableFuture<T> onTheRun(
      RunningVm v, CompletableFuture<T> work, String event, String tag) {
    return work.thenApply(
        ok -> {
          on(() -> eventArrived(v, MachineEvent.snapshot(event, tag)));
          return ok;
        });
  }

  @FunctionalInterface
  private interface OffWork<T> {
    T run(Backend backend, VmSpec spec) throws IOException;
  }

  /**
   * Runs a snapshot operation on the live VM if there is one, else on the backend's files under the
   * VM's lock so no start races it; says what happened either way.
   */
  private <T> CompletableFuture<T> snapshotWork(
      String what,
      java.util.function.Function<RunningVm, CompletableFuture<T>> live,
      OffWork<T> off,
      java.util.function.Function<T, String> said) {
    CompletableFuture<T> result = new CompletableFuture<>();
    on(
        () -> {
          VmSpec s = spec;
          RunningVm v = vm;
          CompletableFuture<T> work;
          if (v != null && state.isActive()) {
            work = live.apply(v); // the backend says why not, if it cannot
          } else {
            work = offWork(s, off);
          }
          work.whenComplete(
              (ok, e) ->
                  on(
                      () -> {
                        if (e != null) {
                          String line = what + " failed: " + rootMessage(e);
                          tell(l -> l.message(line));
                          result.completeExceptionally(e);
                        } else {
                          String line = said.apply(ok);
                          log("(snapshot) " + line);
                          tell(l -> l.message(name() + ": " + line));
                          result.complete(ok);
                        }
                      }));
        });
    return result;
  }

  /** On the backend's files, holding the VM's lock so no start races it. */
  private <T> CompletableFuture<T> offWork(VmSpec s, OffWork<T> off) {
    return CompletableFuture.supplyAsync(
        () -> {
          VmLock lock = null;
          try {
            lock = VmLock.acquire(dirs, s.name());
            return off.run(backends.forSpec(s), s);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          } finally {
            if (lock != null) {
              lock.close();
            }
          }
        },
        BLOCKING);
  }

  @Override
  public CompletableFuture<?> ctrlAltDel() {
    return sendKeys(KeyChord.CTRL_ALT_DEL);
  }

  @Override
  public CompletableFuture<?> sendKeys(KeyChord chord) {
    VmAction row = VmAction.valueOf(chord.name());
    return simple(row, v -> v.sendKeys(chord), chord.label(), "Sent " + chord.label());
  }

  /** The run goes on: the guest's restart shows as its RESET and a new boot on the console. */
  @Override
  public CompletableFuture<?> reboot() {
    return act(
        VmAction.REBOOT,
        v -> {
          tell(l -> l.message("Asking " + name() + " to reboot…"));
          log("(reboot) asked: the guest agent if it answers, else the backend's own way");
          return sayHowItWent(v, v.reboot(), "reboot", "reboot", how -> how);
        });
  }

  /**
   * Once {@code request} is done, says in the status line and the log which way it went (the agent,
   * the button, …), or why it could not; not if another run has begun meanwhile.
   */
  private <T> CompletableFuture<T> sayHowItWent(
      RunningVm v,
      CompletableFuture<T> request,
      String verb,
      String tag,
      java.util.function.Function<T, String> words) {
    request.whenComplete(
        (done, error) ->
            on(
                () -> {
                  if (v != vm) {
                    return;
                  }
                  if (error != null) {
                    tell(
                        l ->
                            l.message("Cannot " + verb + " " + name() + ": " + rootMessage(error)));
                  } else {
                    String how = words.apply(done);
                    tell(l -> l.message(how));
                    log("(" + tag + ") " + how);
                  }
                }));
    return request;
  }

  private CompletableFuture<?> simple(
      VmAction action,
      java.util.function.Function<RunningVm, CompletableFuture<Void>> send,
      String what,
      String said) {
    return act(
        action,
        v -> {
          CompletableFuture<?> f = report(send.apply(v), what);
          tell(l -> l.message(said));
          return f;
        });
  }

  /**
   * Runs {@code body} on the session thread if {@code action} may be used now; otherwise says why,
   * in the status line, and fails the future with the same words.
   */
  private CompletableFuture<?> act(
      VmAction action, java.util.function.Function<RunningVm, CompletableFuture<?>> body) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    on(
        () -> {
          RunningVm v = vm;
          String why = v == null ? "it is not running" : disabledReason(action);
          if (why != null) {
            String line = "Cannot " + action.shortLabel().toLowerCase() + ": " + name() + " " + why;
            tell(l -> l.message(line.replace(name() + " it is", name() + " is")));
            result.completeExceptionally(new IOException(line));
            return;
          }
          body.apply(v)
              .whenComplete(
                  (ok, e) -> {
                    if (e != null) {
                      result.completeExceptionally(e);
                    } else {
                      result.complete(ok);
                    }
                  });
        });
    return result;
  }

  /**
   * The Ctrl+C path of a terminal-started app: shutdown with cause host-signal for the VMs that
   * live in this process; the others run on.
   */
  public void terminateForHostSignal() {
    RunningVm v = vm;
    if (v != null && !v.outlivesApp() && !v.exit().isDone()) {
      v.terminate();
    }
  }

  /** True if the VM runs and would stop with this process (the bundled core). */
  public boolean diesWithApp() {
    RunningVm v = vm;
    return state.isActive() && v != null && !v.outlivesApp();
  }

  /** Completes when the current run, if any, is over. */
  /**
   * Completes once the run's end is written to the history: what a process that ran the VM waits
   * for before it exits, so the history never lacks the end it saw.
   */
  public CompletableFuture<Void> runRecorded() {
    return recorded;
  }

  public CompletableFuture<MachineExit> exitFuture() {
    RunningVm v = vm;
    return v == null ? CompletableFuture.completedFuture(null) : v.exit();
  }

  /** A failed request shows as one line in the status bar and the event log. */
  private CompletableFuture<?> report(CompletableFuture<?> request, String what) {
    RunningVm v = vm;
    request.whenComplete(
        (ok, error) -> {
          if (error != null) {
            on(
                () -> {
                  if (v == vm) {
                    tell(l -> l.message(what + " failed: " + rootMessage(error)));
                    log("(" + what + " failed) " + rootMessage(error));
                  }
                });
          }
        });
    return request;
  }

  /** The innermost message of a future's failure. */
  public static String rootMessage(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.io.UncheckedIOException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  // ---- the wait after the power button, statistics, the agent ------------------------------

  private void beginWait() {
    waitStartNanos = System.nanoTime();
    waitTimedOut = false;
    tell(l -> l.waiting(0, false));
  }

  /**
   * The user chose to keep waiting after the power-button timeout: the count starts again, and the
   * offer comes back after another timeout if the guest still runs.
   */
  public void keepWaiting() {
    on(
        () -> {
          if (waitStartNanos >= 0 && state.isActive()) {
            beginWait();
            tell(
                l ->
                    l.message(
                        "Waiting "
                            + spec.powerButtonTimeoutSeconds()
                            + " s more for "
                            + name()
                            + " to shut down"));
          }
        });
  }

  private void endWait() {
    if (waitStartNanos >= 0) {
      waitStartNanos = -1;
      waitTimedOut = false;
      tell(l -> l.waiting(-1, false));
    }
  }

  /** Once a second while a VM runs: the wait's count, statistics, the agent now and then. */
  private void tick() {
    RunningVm v = vm;
    if (v == null || !state.isActive()) {
      return;
    }
    if (waitStartNanos >= 0) {
      int s = (int) ((System.nanoTime() - waitStartNanos) / 1_000_000_000L);
      int timeout = spec.powerButtonTimeoutSeconds();
      if (s >= timeout && !waitTimedOut) {
        waitTimedOut = true;
        tell(
            l ->
                l.message(
                    name()
                        + " did not shut down within "
                        + timeout
                        + " s: the guest may be ignoring the power button"));
      }
      boolean out = waitTimedOut;
      tell(l -> l.waiting(s, out));
    }
    checkProgress(v);
    double saved = state == VmState.SAVING ? v.saveProgress() : -1;
    if (saved >= 0) {
      String note = "Saving " + name() + "'s state… " + Math.round(saved * 100) + " %";
      tell(l -> l.message(note));
    }
    String line = v.sampleStats();
    tell(l -> l.stats(line));
    VmSample sample = sample(v);
    tell(l -> l.sample(sample));
    // the agent starts late in the guest's boot and may stop: ask again now and then
    int every = agentAnswers ? AGENT_RECHECK_SECONDS : AGENT_PROBE_SECONDS;
    if (++ticks % every == 0) {
      probeAgent(v);
    }
  }

  private long lastSampleNanos = -1;
  private long lastEmulatorCpu = -1;
  private long lastGuestIdle = -1;
  private long lastConsole;
  private long lastDisk = -1;

  /** The second since the last tick, as figures (on the session thread, never the UI's). */
  private VmSample sample(RunningVm v) {
    long now = System.nanoTime();
    long cpu = v.emulatorCpuNanos();
    long idle = v.guestIdleNanos();
    long printed = consoleBytes;
    long disk = v.diskBytes();
    double dt = lastSampleNanos < 0 ? Double.NaN : Math.max(1, now - lastSampleNanos);
    double diskRate =
        disk < 0 || lastDisk < 0 ? Double.NaN : Math.max(0, disk - lastDisk) / dt * 1e9;
    double host = cpu < 0 || lastEmulatorCpu < 0 ? Double.NaN : (cpu - lastEmulatorCpu) / dt * 100;
    double guest =
        idle < 0 || lastGuestIdle < 0 || state != VmState.RUNNING && state != VmState.POWERING_DOWN
            ? (state == VmState.PAUSED ? 0 : Double.NaN)
            : Math.max(0, Math.min(100, 100 - (idle - lastGuestIdle) / dt * 100));
    double io = (printed - lastConsole) / dt * 1e9;
    lastSampleNanos = now;
    lastEmulatorCpu = cpu;
    lastGuestIdle = idle;
    lastConsole = printed;
    lastDisk = disk;
    return new VmSample(System.currentTimeMillis(), guest, host, v.memoryBytes(), io, diskRate);
  }

  /**
   * A guest that prints nothing for {@link #STALL_SECONDS} while the emulator keeps at least half a
   * host CPU busy is said to be stuck (a kernel hung early, a loop): "Running" alone would not show
   * it. Output, a pause or the end of the run clears it.
   */
  private void checkProgress(RunningVm v) {
    long cpu = v.cpuNanos();
    long printed = consoleBytes;
    if (cpu < 0) {
      return;
    }
    if (printed != consoleSeen || state != VmState.RUNNING) {
      consoleSeen = printed;
      cpuAtLastOutput = cpu;
      quietSeconds = 0;
      setStalled("");
      return;
    }
    quietSeconds++;
    if (quietSeconds >= STALL_SECONDS
        && cpu - cpuAtLastOutput >= quietSeconds * 500_000_000L
        && stalled.isEmpty()) {
      setStalled(
          name()
              + " has printed nothing for "
              + quietSeconds
              + " s and keeps the CPU busy: the guest may be stuck");
    }
  }

  private void setStalled(String words) {
    if (!words.equals(stalled)) {
      stalled = words;
      tell(l -> l.stalled(words));
      if (!words.isEmpty()) {
        log("(no progress) " + words);
      }
    }
  }

  /** Asks, off this thread, whether a guest agent answers. */
  private void probeAgent(RunningVm v) {
    BLOCKING.execute(
        () -> {
          AgentStatus a = v.probeAgent();
          on(
              () -> {
                if (v == vm && state.isActive()) {
                  agentAnswers = a.answers();
                  tell(l -> l.agent(a.describe()));
                }
              });
        });
  }

  private void lookUpEmulator(SessionListener l) {
    VmSpec s = spec;
    BLOCKING.execute(
        () -> {
          String words = backends.forSpec(s).emulator(s);
          on(() -> call(l, x -> x.emulator(words)));
        });
  }

  // ---- what the backend reports ------------------------------------------------------------

  private void eventArrived(RunningVm v, MachineEvent e) {
    if (v != vm) {
      return;
    }
    if (e.name().equals(MachineEvent.SHUTDOWN)
        && state == VmState.RUNNING
        && e.cause() != null
        && e.cause().isGuest()) {
      ownShutdownSteps(MachineEvent.nowMicros()); // the lines' clock, not a remote host's
    } else if (e.name().equals(MachineEvent.RESET)) {
      synchronized (recentLines) {
        recentTaken = false; // the run goes on after all (libvirt's restart on power-off)
      }
    }
    lifecycle.onEvent(e);
    liveRun.event(e);
    if (recorder != null) {
      recorder.event(e);
    }
    sync();
    if (e.name().equals(MachineEvent.RESET)) {
      Object why = e.data().get("reason");
      tell(l -> l.rebooted(why == null ? "reset" : why.toString()));
    }
    if (e.name().equals(MachineEvent.RESUME) || e.name().equals(MachineEvent.RESET)) {
      endWait();
    } else if (e.name().equals(MachineEvent.POWERDOWN) && waitStartNanos < 0) {
      beginWait(); // pressed elsewhere (the CLI, a QMP client): the same wait and offer
    }
    // "Pausing" and "Resuming" were the request; the event is the change itself
    if (e.name().equals(MachineEvent.STOP)) {
      tell(l -> l.message(name() + " is paused"));
    } else if (e.name().equals(MachineEvent.RESUME)) {
      tell(l -> l.message(name() + " runs again"));
    }
    log(dev.berth.qmp.QmpJson.eventLine(e));
  }

  private void linkLost(RunningVm v, String why) {
    if (v != vm || !state.isActive()) {
      return;
    }
    // the why first, the state last: whoever sees "Host unreachable" finds its reason there
    log("(host unreachable) " + why);
    tell(l -> l.message(name() + ": host unreachable: " + why));
    lifecycle.unreachable();
    sync();
  }

  private void linkRegained(RunningVm v, RunState now) {
    if (v != vm || state != VmState.UNREACHABLE) {
      return;
    }
    lifecycle.reachable(now);
    sync();
    log("(host reachable) " + v.describe() + ": " + now.qapiName());
    tell(
        l ->
            l.message(
                name()
                    + ": its host answers again; it is "
                    + state.label().toLowerCase(java.util.Locale.ROOT)));
  }

  private void exited(RunningVm v, MachineExit exit) {
    if (v != vm) {
      return;
    }
    lifecycle.onExit(exit);
    String words = Lifecycle.describe(exit);
    liveRun.end(exit, words, MachineEvent.nowMicros());
    if (recorder != null) {
      recorder.end(exit, words);
      recorder = null;
    }
    recorded.complete(null);
    // only now may another process start it, or take the run for one that ended unseen
    if (runLock != null) {
      runLock.close();
      runLock = null;
    }
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
    // the why and the log first, the state last: whoever sees "Shut off" finds its reason there
    lastEnd = words;
    tell(l -> l.lastEnd(words));
    log("(end) " + words);
    tell(l -> l.message(name() + ": " + words));
    endWait();
    agentAnswers = false;
    setStalled("");
    tell(l -> l.agent(""));
    tell(l -> l.stats(""));
    sync();
    if (!userAsked || exit.kind() == MachineExit.Kind.CRASHED) {
      tell(l -> l.unexpectedStop(words));
    }
    userAsked = false;
    if (v.recordsItsOwnRun()) {
      watchLockHolder(); // the history as that process wrote it, once it lets go
    }
  }

  /** Starts recording a run, or goes on with {@code continued} after a reattach. */
  private void beginRun(RunningVm v, Integer continued) {
    List<Run> all = new ArrayList<>(runs);
    if (v.recordsItsOwnRun()) {
      // the process that runs it writes the history: show its open run, never write one
      all = new ArrayList<>(history.runs(spec.historyKey()));
      continued = LostRuns.openRun(all);
    }
    int number = all.isEmpty() ? 1 : all.get(all.size() - 1).number() + 1;
    long startMicros = MachineEvent.nowMicros();
    if (v.recordsItsOwnRun()) {
      recorder = null;
      number = continued == null ? number : continued;
    } else {
      try {
        recorder =
            continued == null
                ? history.startRun(spec.historyKey(), origin)
                : history.continueRun(spec.historyKey(), continued);
        number = recorder.run();
      } catch (IOException e) {
        recorder = null;
        tell(l -> l.message("Run history cannot be written: " + e.getMessage()));
      }
    }
    String by = continued == null && !v.recordsItsOwnRun() ? origin : "";
    if (continued != null) {
      for (int i = all.size() - 1; i >= 0; i--) {
        if (all.get(i).number() == continued) {
          startMicros = all.get(i).startMicros();
          by = all.get(i).origin(); // a reattach: the run's own start said who
          all.remove(i);
          break;
        }
      }
    }
    liveRun = new LiveRun(number, startMicros, lifecycle.state());
    wasStopping = false; // the last run may have ended while stopping
    synchronized (recentLines) {
      recentLines.clear(); // the last run's lines are not this one's
      recentTaken = false;
    }
    lastEnterMicros = -1;
    liveRun.origin(by);
    all.add(liveRun.snapshot());
    runs = List.copyOf(all);
    if (recorder != null) {
      recorder.state(lifecycle.state(), MachineEvent.nowMicros());
    }
  }

  /** Publishes the lifecycle's state to the listeners, the live run and the history. */
  private void sync() {
    VmState now = lifecycle.state();
    boolean changed = now != state;
    if (liveRun != null && changed) {
      long t = MachineEvent.nowMicros();
      liveRun.state(now, t);
      if (recorder != null && now.isActive()) {
        recorder.state(now, t);
      }
    }
    state = now;
    if (liveRun != null && !runs.isEmpty()) {
      List<Run> all = new ArrayList<>(runs);
      all.set(all.size() - 1, liveRun.snapshot());
      runs = List.copyOf(all);
      tell(l -> l.runsChanged(runs));
    }
    if (changed) {
      tell(l -> l.stateChanged(now));
    }
  }

  // ---- plumbing ----------------------------------------------------------------------------

  /** Runs {@code r} on the session thread; a failure is logged, never lost silently. */
  private void on(Runnable r) {
    serial.execute(
        () -> {
          try {
            r.run();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session of " + name() + " failed", e);
          }
        });
  }

  private void log(String note) {
    String line = java.time.LocalTime.now().withNano(0) + "  " + note;
    tell(l -> l.logged(line));
  }

  private void tell(Consumer<SessionListener> call) {
    for (SessionListener l : listeners) {
      call(l, call);
    }
  }

  /** {@link #tell} from another thread. */
  private void tellLater(Consumer<SessionListener> call) {
    on(() -> tell(call));
  }

  private static void call(SessionListener l, Consumer<SessionListener> call) {
    try {
      call.accept(l);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a session listener failed", e);
    }
  }
}
