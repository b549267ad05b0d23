package dev.berth.backend.libvirt;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.berth.display.GuestDisplay;
import dev.berth.event.Listeners;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import dev.berth.vm.AgentStatus;
import dev.berth.vm.Capability;
import dev.berth.vm.KeyChord;
import dev.berth.vm.RunningVm;
import dev.berth.vm.ShutdownPath;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running libvirt domain as a {@link RunningVm}: every power action is libvirt's own call (so
 * libvirt does what power-paths.md describes), the events are QEMU's own, through libvirt's QEMU
 * monitor events, and the run ends with libvirt's STOPPED lifecycle event. Calls run on a control
 * thread of the VM's, never the caller's.
 */
final class LibvirtVm implements RunningVm {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final System.Logger LOG = System.getLogger(LibvirtVm.class.getName());

  /** QEMU's events that are the event vocabulary's; libvirt's monitor gives many more. */
  private static final Set<String> EVENTS =
      Set.of(
          MachineEvent.POWERDOWN,
          MachineEvent.SHUTDOWN,
          MachineEvent.RESET,
          MachineEvent.STOP,
          MachineEvent.RESUME,
          MachineEvent.SUSPEND,
          MachineEvent.WAKEUP);

  static final String MANAGED_SAVE = "libvirt's managed save";

  /** Linux key codes: KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE. */
  private final LibvirtHost host;

  private final String name;
  private final Listeners listeners = new Listeners();
  private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
  private final ExecutorService control;
  private final LibvirtHost.DomainListener fromHost = new FromHost();
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final LibvirtRunNote note;
  private volatile RunState state;
  private volatile ShutdownCause shutdownCause;

  /** Counted down by QEMU's SHUTDOWN event, which libvirt may hand over after its STOPPED. */
  private final java.util.concurrent.CountDownLatch shutdownSeen =
      new java.util.concurrent.CountDownLatch(1);

  private static final long SHUTDOWN_GRACE_MILLIS = 1000;
  private volatile RunningVm.ConsoleSink consoleSink;
  private volatile LibvirtConsole console;
  private volatile boolean forceConsole;

  /** libvirt's id of the QEMU process the run is: another id after a loss is another run. */
  private volatile int domainId;

  LibvirtVm(LibvirtHost host, String name, RunState state, int domainId, LibvirtRunNote note) {
    this.note = note;
    this.host = host;
    this.name = name;
    this.state = state;
    this.domainId = domainId;
    this.control =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "libvirt-control-" + name);
              t.setDaemon(true);
              return t;
            });
    host.listen(name, fromHost);
  }

  /** libvirt's domain state as QEMU's run state. */
  static RunState runState(int libvirtState) {
    return switch (libvirtState) {
      case LibvirtC.STATE_PAUSED -> RunState.PAUSED;
      case LibvirtC.STATE_PMSUSPENDED -> RunState.SUSPENDED;
      case LibvirtC.STATE_SHUTOFF, LibvirtC.STATE_CRASHED -> RunState.SHUTDOWN;
      default -> RunState.RUNNING;
    };
  }

  /** libvirt's and QEMU's news, on libvirt's event loop thread. */
  private final class FromHost implements LibvirtHost.DomainListener {
    @Override
    public void qemuEvent(String event, long micros, String detailsJson) {
      if (!EVENTS.contains(event) || exit.isDone()) {
        return;
      }
      // libvirt runs QEMU with -no-shutdown and ends it itself: after the run's SHUTDOWN come a
      // STOP that is no pause and, from libvirt's SIGTERM, a second SHUTDOWN that is not the cause
      if (shutdownCause != null
          && (event.equals(MachineEvent.STOP) || event.equals(MachineEvent.SHUTDOWN))) {
        return;
      }
      Map<String, Object> data = new LinkedHashMap<>();
      if (detailsJson != null && !detailsJson.isBlank()) {
        try {
          data.putAll(JSON.readValue(detailsJson, MAP));
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "unreadable details of " + event + ": " + detailsJson);
        }
      }
      MachineEvent e = new MachineEvent(event, data, micros);
      state = state.after(e);
      if (event.equals(MachineEvent.SHUTDOWN)) {
        shutdownCause = e.cause();
        shutdownSeen.countDown();
      } else if (event.equals(MachineEvent.RESET)) {
        shutdownCause = null; // libvirt's reboot after a power-off: the run goes on
      }
      listeners.event(e);
    }

    @Override
    public void lifecycle(int event, int detail) {
      if (event == LibvirtC.EVENT_STOPPED && detail == LibvirtC.STOPPED_FROM_SNAPSHOT) {
        try {
          control.execute(LibvirtVm.this::wentBackToSnapshot);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // the run ended meanwhile
        }
        return;
      }
      if (event == LibvirtC.EVENT_STOPPED
          && shutdownCause == null
          && (detail == LibvirtC.STOPPED_DESTROYED || detail == LibvirtC.STOPPED_SHUTDOWN)) {
        // QEMU's SHUTDOWN (host-signal after a destroy) can reach us just after libvirt's
        // STOPPED: give it a moment, so the run ends with QEMU's own cause. The console goes
        // now: its QEMU is gone, and a next start of the domain must find it let go.
        closeConsole();
        try {
          control.execute(
              () -> {
                try {
                  shutdownSeen.await(SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                finish(exitOf(event, detail));
              });
          return;
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // the control thread is gone: end it here
        }
      }
      if (event == LibvirtC.EVENT_STOPPED || event == LibvirtC.EVENT_CRASHED) {
        finish(exitOf(event, detail));
      }
    }

    @Override
    public void link(String why) {
      if (exit.isDone()) {
        return;
      }
      if (why != null) {
        links.forEach(l -> l.lost(why));
        return;
      }
      try {
        control.execute(LibvirtVm.this::regained);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the run ended meanwhile
      }
    }
  }

  /**
   * The host is back: the events of the gap are lost, so libvirt's state says how things stand. A
   * domain now off, or running as another QEMU, ended unseen.
   */
  private void regained() {
    int[] s = stateOrGone();
    if (s == null) {
      return;
    }
    RunState now = runState(s[0]);
    if (now == RunState.SHUTDOWN || (domainId >= 0 && s[2] != domainId)) {
      finish(
          MachineExit.unknown(
              "it ended while "
                  + host.uri()
                  + " could not be reached; libvirt says it is "
                  + LibvirtWords.state(s[0], s[1])));
      return;
    }
    state = now;
    links.forEach(l -> l.regained(now));
    openConsole(); // the old stream died with the old connection
  }

  /** libvirt's state of the domain, or null once the run has ended because it is gone. */
  private int[] stateOrGone() {
    try {
      return host.state(name);
    } catch (IOException e) {
      finish(MachineExit.unknown("it is gone from " + host.uri() + ": " + e.getMessage()));
      return null;
    }
  }

  /**
   * libvirt 9.0 goes back to a snapshot of a running domain by ending its QEMU and starting another
   * from the snapshot: the run goes on in the new process (its id noted, its console opened anew).
   * Back to a snapshot of it off, the run ends, with cause snapshot-load. On the control thread, so
   * a revert of ours has returned and libvirt's state is final.
   */
  private void wentBackToSnapshot() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      int[] s = stateOrGone();
      if (s == null) {
        return;
      }
      RunState now = runState(s[0]);
      if (now != RunState.SHUTDOWN && s[2] != domainId) {
        started(s[2]);
        if (run > 0) {
          noteRun(run);
        }
        state = now;
        openConsole();
        return;
      }
      if (revertedHere || System.nanoTime() > deadline) {
        finish(MachineExit.shutdown(ShutdownCause.SNAPSHOT_LOAD));
        return;
      }
      try {
        Thread.sleep(100); // someone else's revert may still be starting the new QEMU
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Set once a revert of ours returned: libvirt's state after it is final. */
  private volatile boolean revertedHere;

  /** The history's run number, kept for a QEMU that takes over the run (a snapshot's). */
  private volatile int run;

  @Override
  public void noteRun(int run) {
    this.run = run;
    try {
      note.write(domainId, run);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot note the run number of " + name, e);
    }
  }

  /** libvirt started the domain as the QEMU process with this id. */
  void started(int id) {
    domainId = id;
  }

  @Override
  public void watchLink(Link link) {
    links.add(link);
    String why = host.lost();
    if (why != null) {
      link.lost(why);
    }
  }

  /** How the run ended: QEMU's SHUTDOWN cause when it sent one, else libvirt's words. */
  MachineExit exitOf(int event, int detail) {
    ShutdownCause cause = shutdownCause;
    if (event == LibvirtC.EVENT_STOPPED && detail == LibvirtC.STOPPED_SAVED) {
      // libvirt ends QEMU itself once the state is out, with a quit that is not the run's end
      return MachineExit.saved(MANAGED_SAVE + ": Start restores it");
    }
    if (event == LibvirtC.EVENT_CRASHED
        || detail == LibvirtC.STOPPED_CRASHED
        || detail == LibvirtC.STOPPED_FAILED && cause == null) {
      return MachineExit.crashed(
          "libvirt reports the domain " + (event == LibvirtC.EVENT_CRASHED ? "crashed" : "failed"));
    }
    if (cause != null) {
      return MachineExit.shutdown(cause);
    }
    return detail == LibvirtC.STOPPED_DESTROYED
        ? MachineExit.killed() // libvirt had to kill it: QEMU said nothing
        : MachineExit.unknown("libvirt says the domain shut down; QEMU sent no SHUTDOWN event");
  }

  private void finish(MachineExit end) {
    if (exit.isDone()) {
      return;
    }
    state = RunState.SHUTDOWN;
    host.unlisten(name, fromHost);
    closeConsole();
    control.shutdown();
    listeners.exit(end);
    exit.complete(end);
  }

  private void closeConsole() {
    LibvirtConsole c = console;
    if (c != null) {
      c.close();
    }
  }

  @FunctionalInterface
  private interface Call {
    int run(Pointer dom);
  }

  /** One libvirt call on the domain, on the control thread; failure is libvirt's message. */
  private CompletableFuture<Void> call(String what, Call call) {
    return supply(
        what,
        () ->
            host.withDomain(
                name,
                dom -> {
                  if (call.run(dom) < 0) {
                    throw new IOException(what + ": " + host.error());
                  }
                  return null;
                }));
  }

  @FunctionalInterface
  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** On the control thread: libvirt's calls for this domain, one at a time, none on the caller. */
  private <T> CompletableFuture<T> supply(String what, IoSupplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              return work.get();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
          },
          control);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new IOException(what + ": " + name + " is no longer running"));
    }
  }

  @Override
  public CompletableFuture<dev.berth.vm.Snapshot> takeSnapshot(String tag, String description) {
    return supply("snapshot", () -> new LibvirtSnapshots(host, name).take(tag, description));
  }

  @Override
  public CompletableFuture<Void> revertSnapshot(String tag) {
    return supply(
        "revert",
        () -> {
          new LibvirtSnapshots(host, name).revert(tag);
          revertedHere = true;
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> deleteSnapshot(String tag) {
    return supply(
        "delete snapshot",
        () -> {
          new LibvirtSnapshots(host, name).delete(tag);
          return null;
        });
  }

  @Override
  public String describe() {
    return "libvirt domain " + name + " on " + host.uri();
  }

  @Override
  public void addListener(MachineListener listener) {
    listeners.add(listener);
  }

  /** Events flow from the host's connection already; the console stream opens now. */
  @Override
  public void begin() {
    openConsole();
  }

  /** Opens the console stream off the caller's thread; a failure is said on the console. */
  private void openConsole() {
    RunningVm.ConsoleSink sink = consoleSink;
    if (sink == null || exit.isDone()) {
      return;
    }
    CompletableFuture.runAsync(
        () -> {
          try {
            LibvirtConsole old = console;
            if (old != null) {
              old.close();
            }
            LibvirtConsole.awaitClosed(); // our own earlier streams let go of it first
            try {
              console = LibvirtConsole.open(host, name, forceConsole, sink);
            } catch (IOException held) {
              if (forceConsole || !held.getMessage().contains("Active console session")) {
                throw held;
              }
              // one client at a time, as on a serial line: the user opened it here, so take it
              // (a stream of ours just closed may also not be let go by libvirtd yet)
              console = LibvirtConsole.open(host, name, true, sink);
              byte[] note =
                  "\r\n[berth: took the serial console over from another client]\r\n"
                      .getBytes(UTF_8);
              sink.write(note, 0, note.length);
            }
          } catch (IOException e) {
            byte[] note = ("\r\n[berth: " + e.getMessage() + "]\r\n").getBytes(UTF_8);
            sink.write(note, 0, note.length);
          }
        },
        control);
  }

  @Override
  public CompletableFuture<GuestDisplay> openDisplay() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return display();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
          }
        },
        control);
  }

  /**
   * The domain's VNC server through libvirt's graphics descriptor (no port opened anywhere), or
   * null if it has no graphics. libvirt passes descriptors over a local socket only: a remote host
   * says so in one line.
   */
  private GuestDisplay display() throws IOException {
    String[] why = new String[1];
    int fd =
        host.withDomain(
            name,
            dom -> {
              int r = host.c().virDomainOpenGraphicsFD(dom, 0, LibvirtC.GRAPHICS_SKIPAUTH);
              why[0] = r < 0 ? host.error() : null; // before the next call clears it
              return r;
            });
    if (fd < 0) {
      if (why[0].toLowerCase(java.util.Locale.ROOT).contains("no graphics")) {
        return null;
      }
      throw new IOException("no graphical console through libvirt: " + why[0]);
    }
    FdBridge bridge = FdBridge.open(fd, name);
    try {
      dev.berth.rfb.RfbClient rfb =
          dev.berth.rfb.RfbClient.connect(bridge.socket(), java.time.Duration.ofSeconds(10));
      exit.whenComplete((x, e) -> rfb.close());
      rfb.onFailure(failed -> bridge.close());
      return rfb;
    } catch (IOException e) {
      bridge.close();
      throw e;
    }
  }

  @Override
  public Set<Capability> capabilities() {
    return LibvirtBackend.capabilitiesOf(host.uri());
  }

  @Override
  public void setConsoleSink(ConsoleSink sink) {
    consoleSink = sink;
  }

  /** Take the console from another client that holds it ({@code virsh console --force}). */
  void forceConsole(boolean force) {
    forceConsole = force;
  }

  @Override
  public void type(byte[] bytes) {
    LibvirtConsole c = console;
    if (c != null) {
      c.send(bytes);
    }
  }

  @Override
  public CompletableFuture<Void> powerButton() {
    return call(
        "power button",
        dom -> host.c().virDomainShutdownFlags(dom, LibvirtC.SHUTDOWN_ACPI_POWER_BTN));
  }

  /** libvirt's order, made explicit so the caller learns which path it took. */
  @Override
  public CompletableFuture<ShutdownPath> shutDown() {
    CompletableFuture<Void> agent =
        call(
            "shut down through the agent",
            dom -> host.c().virDomainShutdownFlags(dom, LibvirtC.SHUTDOWN_GUEST_AGENT));
    return agent
        .thenApply(ok -> ShutdownPath.agent())
        .exceptionallyCompose(
            e ->
                powerButton()
                    .thenApply(
                        ok ->
                            ShutdownPath.button(
                                "no agent answered: " + dev.berth.vm.VmSession.rootMessage(e))));
  }

  /**
   * QEMU's quit through libvirt's monitor pass-through (libvirt marks the domain tainted). QEMU may
   * exit before its reply reaches libvirt: a failed call after which the run ends is a quit.
   */
  @Override
  public CompletableFuture<Void> quit() {
    return call(
            "quit",
            dom -> {
              PointerByReference reply = new PointerByReference();
              int r =
                  host.qemu().virDomainQemuMonitorCommand(dom, "{\"execute\":\"quit\"}", reply, 0);
              if (reply.getValue() != null) {
                Native.free(Pointer.nativeValue(reply.getValue()));
              }
              return r;
            })
        .exceptionallyCompose(
            e ->
                exit.copy()
                    .completeOnTimeout(null, 5, java.util.concurrent.TimeUnit.SECONDS)
                    .thenCompose(
                        x ->
                            x != null
                                ? CompletableFuture.<Void>completedFuture(null)
                                : CompletableFuture.<Void>failedFuture(e)));
  }

  /** libvirt's managed save: the state goes where libvirt keeps it, and the run ends. */
  @Override
  public CompletableFuture<Void> saveState() {
    return call("save state", dom -> host.c().virDomainManagedSave(dom, 0));
  }

  /** libvirt's graceful destroy: SIGTERM only. */
  @Override
  public CompletableFuture<Void> terminate() {
    return call("terminate", dom -> host.c().virDomainDestroyFlags(dom, LibvirtC.DESTROY_GRACEFUL));
  }

  @Override
  public CompletableFuture<Void> interrupt() {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("libvirt cannot send SIGINT alone"));
  }

  /** libvirt's destroy: SIGTERM, SIGKILL after 10 s — libvirt has no SIGKILL alone. */
  @Override
  public CompletableFuture<Void> kill() {
    return call("destroy", dom -> host.c().virDomainDestroyFlags(dom, LibvirtC.DESTROY_DEFAULT));
  }

  /** Force off is libvirt's own destroy, which already escalates. */
  @Override
  public CompletableFuture<?> forceOff() {
    return kill();
  }

  /**
   * libvirt's own reboot in libvirt's default order — the guest agent, else the ACPI power button —
   * asked one way at a time, because the default call does not say which way it went. After the
   * button libvirt lets the guest power off and then resets and resumes the machine: the run goes
   * on, with POWERDOWN, SHUTDOWN and a host's RESET in its events.
   */
  @Override
  public CompletableFuture<String> reboot() {
    return call(
            "reboot through the agent",
            dom -> host.c().virDomainReboot(dom, LibvirtC.REBOOT_GUEST_AGENT))
        .thenApply(
            ok -> "Reboot via the guest agent (libvirt's reboot, guest-shutdown mode reboot)")
        .exceptionallyCompose(
            e ->
                call("reboot", dom -> host.c().virDomainReboot(dom, LibvirtC.REBOOT_ACPI_POWER_BTN))
                    .thenApply(
                        ok ->
                            "Reboot via the ACPI power button: libvirt resets the machine once"
                                + " the guest has powered off (no agent answered: "
                                + dev.berth.vm.VmSession.rootMessage(e)
                                + ")"));
  }

  @Override
  public CompletableFuture<Void> reset() {
    return call("reset", dom -> host.c().virDomainReset(dom, 0));
  }

  @Override
  public CompletableFuture<Void> pause() {
    return call("pause", dom -> host.c().virDomainSuspend(dom));
  }

  @Override
  public CompletableFuture<Void> resume() {
    return call("resume", dom -> host.c().virDomainResume(dom));
  }

  @Override
  public CompletableFuture<Void> wakeUp() {
    return call("wake up", dom -> host.c().virDomainPMWakeup(dom, 0));
  }

  @Override
  public CompletableFuture<Void> sendCtrlAltDel() {
    return sendKeys(KeyChord.CTRL_ALT_DEL);
  }

  @Override
  public CompletableFuture<Void> sendKeys(KeyChord chord) {
    int[] codes = chord.linuxCodes();
    return call(
        chord.label(),
        dom ->
            host.c().virDomainSendKey(dom, LibvirtC.KEYCODE_SET_LINUX, 0, codes, codes.length, 0));
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
    return describe();
  }

  /** The agent's guest-ping through libvirt (blocks up to a few seconds). */
  @Override
  public AgentStatus probeAgent() {
    try {
      return host.withDomain(
          name,
          dom -> {
            Pointer reply =
                host.qemu().virDomainQemuAgentCommand(dom, "{\"execute\":\"guest-ping\"}", 3, 0);
            if (reply == null) {
              return AgentStatus.silent(host.error());
            }
            Native.free(Pointer.nativeValue(reply));
            return AgentStatus.answering("through libvirt");
          });
    } catch (IOException e) {
      return AgentStatus.silent(e.getMessage());
    }
  }
}
