package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.backend.agent.GuestAgent;
import dev.berth.backend.qemu.ProcessSignals;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSockets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth power NAME ACTION}: the power menu, from a terminal, over the VM's QMP socket. */
@Command(
    name = "power",
    description = {
      "Drive a running VM's power, as the app's power menu does:",
      "  button     press the ACPI power button; the guest decides (system_powerdown)",
      "  shutdown   ask the guest to shut down: its agent when one answers, else the button",
      "  quit       stop the emulator at once; a power cut for the guest (host-qmp-quit)",
      "  terminate  as SIGTERM: shutdown with cause host-signal",
      "  interrupt  as Ctrl+C (SIGINT): the same host-signal shutdown",
      "  force-off  terminate, then kill if the VM is still there after 10 s",
      "  kill       as SIGKILL: the VM is gone with no shutdown event",
      "  reset      reset the machine (host-qmp-system-reset)",
      "  pause      stop the guest's CPU (STOP)",
      "  resume     continue it (RESUME)",
      "  wakeup     wake a suspended guest (WAKEUP)"
    },
    mixinStandardHelpOptions = true)
public final class PowerCommand implements Callable<Integer> {
  enum Action {
    BUTTON,
    SHUTDOWN,
    QUIT,
    TERMINATE,
    INTERRUPT,
    FORCE_OFF,
    KILL,
    RESET,
    PAUSE,
    RESUME,
    WAKEUP
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "the running VM")
  String name;

  @Parameters(index = "1", paramLabel = "ACTION", description = "one of the actions above")
  String action;

  @Option(
      names = "--wait",
      description = "wait for the VM to stop; fail with its state if it does not")
  boolean await;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      defaultValue = "30",
      description = "seconds to wait (default ${DEFAULT-VALUE})")
  int timeout;

  @Override
  public Integer call() {
    Action a;
    try {
      a = Action.valueOf(action.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      System.err.println("berth: unknown power action '" + action + "' (see 'berth power --help')");
      return 2;
    }
    BerthDirs dirs = VmLookup.dirs();
    Path socket = VmSockets.qmp(dirs, name);
    QmpClient client;
    try {
      client = new QmpClient(socket, 5000);
    } catch (IOException e) {
      System.err.println("berth: " + name + " is not running");
      return 1;
    }
    // A QEMU VM is a process of its own: the signal paths are real signals to its pid.
    QemuRuntime rt = QemuRuntime.of(dirs, name);
    Optional<ProcessHandle> qemu = rt.pid().flatMap(ProcessHandle::of);
    try (QmpClient qmp = client) {
      switch (a) {
        case BUTTON -> qmp.execute("system_powerdown", null);
        case SHUTDOWN -> {
          ShutdownPath path =
              new GuestAgent(VmSockets.qga(dirs, name))
                  .shutDown(() -> qmp.execute("system_powerdown", null));
          System.err.println("berth: " + path.describe());
        }
        case QUIT -> qmp.execute("quit", null);
        case TERMINATE -> signalOr(qemu, "TERM", qmp, "x-berth-terminate");
        case INTERRUPT -> signalOr(qemu, "INT", qmp, "x-berth-terminate");
        case FORCE_OFF -> {
          signalOr(qemu, "TERM", qmp, "x-berth-terminate");
          if (!stopped(qmp, 10)) {
            signalOr(qemu, "KILL", qmp, "x-berth-kill");
          }
        }
        case KILL -> signalOr(qemu, "KILL", qmp, "x-berth-kill");
        case RESET -> qmp.execute("system_reset", null);
        case PAUSE -> qmp.execute("stop", null);
        case RESUME -> qmp.execute("cont", null);
        case WAKEUP -> qmp.execute("system_wakeup", null);
      }
      if (await && !stopped(qmp, timeout)) {
        JsonNode status = qmp.execute("query-status", null);
        System.err.println(
            "berth: "
                + name
                + " is still "
                + status.path("status").asText()
                + " after "
                + timeout
                + " s");
        return 1;
      }
      return 0;
    } catch (IOException e) {
      if (await && !(e instanceof dev.berth.qapi.QapiError) && !VmSockets.isLive(socket)) {
        return 0; // the socket closed: the VM stopped, which is what --wait waits for
      }
      System.err.println("berth: " + name + ": " + e.getMessage());
      return 1;
    }
  }

  /** Signals QEMU's process, or asks an in-process VM for the same over QMP. */
  private static void signalOr(
      Optional<ProcessHandle> qemu, String signal, QmpClient qmp, String command)
      throws IOException {
    if (qemu.isEmpty()) {
      qmp.execute(command, null);
      return;
    }
    ProcessSignals.send(qemu.get(), signal);
  }

  /** Waits up to {@code seconds} for the VM to stop: its QMP socket closes. */
  private static boolean stopped(QmpClient qmp, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    try {
      while (System.nanoTime() < deadline) {
        qmp.nextEvent(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      return false;
    } catch (IOException closed) {
      return true;
    }
  }
}
