package dev.berth.backend.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.backend.agent.GuestAgent;
import dev.berth.event.Listeners;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import dev.berth.qmp.QmpClient;
import dev.berth.qmp.QmpJson;
import dev.berth.vm.AgentStatus;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Capability;
import dev.berth.vm.RunningVm;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A VM on the bundled core that another Berth process runs ({@code berth start --headless}, a
 * second app), taken up through the sockets that process serves: QMP for the power menu and the
 * events, the serial socket for the console, the agent's socket. The framebuffer stays in that
 * process. That process records the run's history; this one only watches it.
 */
final class ElsewhereVm implements RunningVm {
  private static final System.Logger LOG = System.getLogger(ElsewhereVm.class.getName());
  private static final long ANSWER_MILLIS = 5000;

  private final VmSpec spec;
  private final QmpClient qmp;
  private final java.nio.file.Path serialSocket;
  private final GuestAgent agent;
  private final Listeners listeners = new Listeners();
  private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
  private final ExecutorService commands;
  private volatile ConsoleSink consoleSink;
  private volatile SocketChannel serial;
  private volatile RunState state;
  private volatile MachineEvent lastShutdown;

  private ElsewhereVm(VmSpec spec, BerthDirs dirs, QmpClient qmp, RunState state) {
    this.spec = spec;
    this.qmp = qmp;
    this.state = state;
    this.serialSocket = VmSockets.serial(dirs, spec.name());
    this.agent = new GuestAgent(VmSockets.qga(dirs, spec.name()));
    this.commands =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "berth-elsewhere-" + spec.name());
              t.setDaemon(true);
              return t;
            });
  }

  /** Connects to the QMP socket of {@code spec}'s VM; fails if nothing answers there. */
  static ElsewhereVm attach(VmSpec spec, BerthDirs dirs) throws IOException {
    QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, spec.name()), ANSWER_MILLIS);
    try {
      JsonNode status = qmp.execute("query-status", null);
      return new ElsewhereVm(
          spec, dirs, qmp, RunState.ofQapiName(status.path("status").asText("running")));
    } catch (IOException e) {
      qmp.close();
      throw e;
    }
  }

  @Override
  public String describe() {
    return "the bundled core, run by another Berth process (its console and power from here)";
  }

  @Override
  public void addListener(MachineListener listener) {
    listeners.add(listener);
  }

  @Override
  public void begin() {
    Thread events = new Thread(this::pumpEvents, "berth-elsewhere-events-" + spec.name());
    events.setDaemon(true);
    events.start();
    Thread console = new Thread(this::pumpConsole, "berth-elsewhere-serial-" + spec.name());
    console.setDaemon(true);
    console.start();
  }

  private void pumpEvents() {
    try {
      while (true) {
        JsonNode e = qmp.nextEvent(1000);
        if (e != null) {
          MachineEvent event = QmpJson.toEvent(e);
          state = state.after(event);
          if (event.name().equals(MachineEvent.SHUTDOWN)) {
            lastShutdown = event;
          }
          listeners.event(event);
        }
      }
    } catch (IOException closed) {
      // the other process ended the run: its SHUTDOWN, if it sent one, says how
      MachineEvent shutdown = lastShutdown;
      Object reason = shutdown == null ? null : shutdown.data().get("reason");
      state = RunState.SHUTDOWN;
      closeConsole();
      commands.shutdown();
      MachineExit end =
          reason == null
              ? MachineExit.unknown("the Berth process that ran it closed its QMP socket")
              : MachineExit.shutdown(ShutdownCause.fromQapiName(reason.toString()));
      exit.complete(end);
      listeners.exit(end);
    }
  }

  private void pumpConsole() {
    try (SocketChannel ch = dev.berth.qapi.QapiChannel.connect(serialSocket);
        InputStream in = Channels.newInputStream(ch)) {
      serial = ch;
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        ConsoleSink sink = consoleSink;
        if (sink != null) {
          sink.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "serial console of " + spec.name() + " closed", e);
    }
  }

  private void closeConsole() {
    SocketChannel ch = serial;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closed already
      }
    }
  }

  @Override
  public CompletableFuture<dev.berth.display.GuestDisplay> openDisplay() {
    return CompletableFuture.completedFuture(null); // the framebuffer is the other process's
  }

  /** Runs outside this process, and keeps a history of its own there. */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(
        Capability.POWER_BUTTON,
        Capability.GUEST_AGENT,
        Capability.SIGNALS,
        Capability.SAVE_STATE,
        Capability.OUTLIVES_APP);
  }

  @Override
  public boolean recordsItsOwnRun() {
    return true;
  }

  @Override
  public void setConsoleSink(ConsoleSink sink) {
    consoleSink = sink;
  }

  @Override
  public void type(byte[] bytes) {
    SocketChannel ch = serial;
    if (ch == null) {
      return;
    }
    commands.execute(
        () -> {
          try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
              ch.write(b);
            }
          } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "typing to " + spec.name() + " failed", e);
          }
        });
  }

  /** The other process writes the state; the command answers once the file is on disk. */
  @Override
  public CompletableFuture<Void> saveState() {
    return command("x-berth-save-state", SAVE_MILLIS);
  }

  /** One QMP command on the commands thread, so no caller waits on the socket. */
  private static final long SAVE_MILLIS = 600_000;

  private CompletableFuture<Void> command(String name) {
    return command(name, ANSWER_MILLIS);
  }

  private CompletableFuture<Void> command(String name, long millis) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            qmp.execute(name, null, millis);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        commands);
  }

  @Override
  public CompletableFuture<Void> powerButton() {
    return command("system_powerdown");
  }

  @Override
  public CompletableFuture<ShutdownPath> shutDown() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return agent.shutDown(() -> qmp.execute("system_powerdown", null));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        commands);
  }

  @Override
  public CompletableFuture<Void> quit() {
    return command("quit");
  }

  @Override
  public CompletableFuture<Void> terminate() {
    return command("x-berth-terminate");
  }

  /** SIGINT's effect, asked of the process that runs the core. */
  @Override
  public CompletableFuture<Void> interrupt() {
    return command("x-berth-terminate");
  }

  @Override
  public CompletableFuture<Void> kill() {
    return command("x-berth-kill");
  }

  @Override
  public CompletableFuture<Void> reset() {
    return command("system_reset");
  }

  @Override
  public CompletableFuture<Void> pause() {
    return command("stop");
  }

  @Override
  public CompletableFuture<Void> resume() {
    return command("cont");
  }

  @Override
  public CompletableFuture<Void> wakeUp() {
    return command("system_wakeup");
  }

  /** Berth's QMP server has no send-key: the keyboard is the other process's. */
  @Override
  public CompletableFuture<Void> sendCtrlAltDel() {
    return CompletableFuture.failedFuture(
        new IOException("the keyboard belongs to the Berth process that runs it"));
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
    return "run by another Berth process";
  }

  @Override
  public AgentStatus probeAgent() {
    return agent.probe();
  }
}
