package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSockets;
import java.io.IOException;
import java.nio.file.Path;
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
      "${berth.power.verbs}"
    },
    mixinStandardHelpOptions = true)
public final class PowerCommand implements Callable<Integer> {
  static {
    // picocli reads the verb list from here: the VmAction table, not a copy of it
    System.setProperty("berth.power.verbs", verbHelp());
  }

  /** One line per verb of the action table, as the usage help shows them. */
  static String verbHelp() {
    StringBuilder sb = new StringBuilder();
    for (VmAction a : VmAction.values()) {
      if (a.verb() != null) {
        sb.append(String.format("  %-10s %s%%n", a.verb(), a.tooltip()));
      }
    }
    return sb.toString();
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
    Optional<VmAction> a = VmAction.byVerb(action);
    if (a.isEmpty()) {
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
    Optional<ProcessHandle> qemu = QemuRuntime.of(dirs, name).pid().flatMap(ProcessHandle::of);
    try (QmpClient qmp = client) {
      QmpControls controls = new QmpControls(qmp, qemu, VmSockets.qga(dirs, name), System.err);
      try {
        a.get().invoke(controls).get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof IOException io
            ? io
            : new IOException(VmSession.rootMessage(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
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

  /** Waits up to {@code seconds} for the VM to stop: its QMP socket closes. */
  static boolean stopped(QmpClient qmp, int seconds) {
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
