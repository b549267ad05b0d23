package dev.berth.cli;

import dev.berth.backend.agent.GuestAgent;
import dev.berth.backend.qemu.ProcessSignals;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.ForceOff;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmControls;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The power menu's actions on a VM another process runs, as {@code berth power} does them: QMP
 * commands over the VM's socket, and real signals to QEMU's process (an in-process VM, on the
 * bundled core, takes Berth's own {@code x-berth-*} commands instead). Each call blocks until the
 * VM has the request and returns a completed future.
 */
final class QmpControls implements VmControls {
  /** A save writes the guest's whole RAM: minutes for a large guest on a slow disk. */
  private static final long SAVE_MILLIS = 600_000;

  private final QmpClient qmp;
  private final dev.berth.backend.qemu.QemuSavedState savedState;
  private final Optional<ProcessHandle> qemu;
  private final Path agentSocket;
  private final PrintStream err;

  QmpControls(QmpClient qmp, Optional<ProcessHandle> qemu, Path agentSocket, PrintStream err) {
    this(qmp, qemu, agentSocket, err, null);
  }

  /** With where a QEMU VM's saved state goes, for Save state. */
  QmpControls(
      QmpClient qmp,
      Optional<ProcessHandle> qemu,
      Path agentSocket,
      PrintStream err,
      dev.berth.backend.qemu.QemuSavedState savedState) {
    this.savedState = savedState;
    this.qmp = qmp;
    this.qemu = qemu;
    this.agentSocket = agentSocket;
    this.err = err;
  }

  @FunctionalInterface
  private interface Io {
    void run() throws IOException;
  }

  private static CompletableFuture<Void> now(Io work) {
    try {
      work.run();
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Void> command(String name) {
    return now(() -> qmp.execute(name, null));
  }

  /** Signals QEMU's process, or asks an in-process VM for the same over QMP. */
  private CompletableFuture<Void> signal(String signal, String command) {
    return qemu.isEmpty() ? command(command) : now(() -> ProcessSignals.send(qemu.get(), signal));
  }

  @Override
  public CompletableFuture<?> start() {
    return CompletableFuture.failedFuture(new IOException("it is already running"));
  }

  @Override
  public CompletableFuture<?> powerButton() {
    return command("system_powerdown");
  }

  @Override
  public CompletableFuture<?> shutDown() {
    return now(
        () -> {
          ShutdownPath path =
              new GuestAgent(agentSocket).shutDown(() -> qmp.execute("system_powerdown", null));
          err.println("berth: " + path.describe());
        });
  }

  @Override
  public CompletableFuture<?> quit() {
    return command("quit");
  }

  /** libvirt's destroy through {@link ForceOff}: the kill only if the socket is still open. */
  @Override
  public CompletableFuture<?> forceOff() {
    CompletableFuture<Void> gone = new CompletableFuture<>();
    Thread watch =
        new Thread(
            () -> {
              if (PowerCommand.stopped(qmp, (int) ForceOff.KILL_AFTER_SECONDS + 1)) {
                gone.complete(null);
              }
            },
            "berth-force-off-watch");
    watch.setDaemon(true);
    watch.start();
    return ForceOff.escalate(this::terminate, this::kill, gone, ForceOff.KILL_AFTER_SECONDS);
  }

  @Override
  public CompletableFuture<?> interrupt() {
    return signal("INT", "x-berth-terminate");
  }

  @Override
  public CompletableFuture<?> terminate() {
    return signal("TERM", "x-berth-terminate");
  }

  @Override
  public CompletableFuture<?> kill() {
    return signal("KILL", "x-berth-kill");
  }

  @Override
  public CompletableFuture<?> reset() {
    return command("system_reset");
  }

  @Override
  public CompletableFuture<?> pause() {
    return command("stop");
  }

  @Override
  public CompletableFuture<?> resume() {
    return command("cont");
  }

  @Override
  public CompletableFuture<?> wakeUp() {
    return command("system_wakeup");
  }

  @Override
  public CompletableFuture<?> saveState() {
    if (qemu.isPresent()) {
      if (savedState == null) {
        return CompletableFuture.failedFuture(new IOException("no place for its saved state"));
      }
      // QEMU's migration stream to the VM's file, then quit, as the app's Save state does
      return now(
          () -> {
            savedState.save(qmp);
            qmp.execute("quit", null);
          });
    }
    return now(() -> qmp.execute("x-berth-save-state", null, SAVE_MILLIS));
  }

  /** The agent's reboot; without one, Ctrl+Alt+Del is the app's. */
  @Override
  public CompletableFuture<?> reboot() {
    return now(
        () -> {
          String how =
              new GuestAgent(agentSocket)
                  .reboot(
                      () -> {
                        throw new IOException(
                            "no guest agent answered; Ctrl+Alt+Del is the app's (Send key)");
                      });
          err.println("berth: " + how);
        });
  }

  @Override
  public CompletableFuture<?> ctrlAltDel() {
    return CompletableFuture.failedFuture(
        new IOException("Ctrl+Alt+Del is the app's: use the Send key menu"));
  }
}
