package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.backend.qemu.ProcessSignals;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.ForceOff;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmNames;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
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

  @Option(
      names = {"-y", "--yes"},
      description = "do not ask before a power cut (only a terminal is asked)")
  boolean yes;

  @Override
  public Integer call() {
    Optional<VmAction> a = VmAction.byVerb(action);
    if (a.isEmpty()) {
      System.err.println("berth: unknown power action '" + action + "' (see 'berth power --help')");
      return 2;
    }
    String bad = VmNames.problem(name);
    if (bad != null) {
      System.err.println("berth: '" + name + "' is not a VM name: " + bad);
      return 2;
    }
    // the app's confirmations, from the same table; scripts (no terminal) are never asked
    java.io.Console terminal = System.console();
    if (!yes
        && terminal != null
        && !confirmed(a.get(), name, terminal.reader(), terminal.writer())) {
      System.err.println("berth: nothing done");
      return 1;
    }
    BerthDirs dirs = VmLookup.dirs();
    if (VmLookup.onLibvirt()) {
      return onLibvirt(a.get(), dirs);
    }
    Path socket = VmSockets.qmp(dirs, name);
    // A QEMU VM is a process of its own: the signal paths are real signals to its pid, once
    // that pid is proven to be this VM's QEMU (never whatever a pid file says).
    Optional<ProcessHandle> qemu = QemuRuntime.of(dirs, name).process();
    QmpClient client;
    try {
      client = new QmpClient(socket, 5000);
    } catch (IOException e) {
      if (qemu.isPresent()) {
        return withoutQmp(a.get(), qemu.get());
      }
      System.err.println("berth: " + name + " is not running");
      return 1;
    }
    try (QmpClient qmp = client) {
      QmpControls controls =
          new QmpControls(
              qmp,
              qemu,
              VmSockets.qga(dirs, name),
              System.err,
              new dev.berth.backend.qemu.QemuSavedState(dirs, name));
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
      if ((await || a.get().endsTheRun())
          && !(e instanceof dev.berth.qapi.QapiError)
          && !VmSockets.isLive(socket)) {
        return 0; // the socket closed: the VM stopped, which is what was asked
      }
      System.err.println("berth: " + name + ": " + e.getMessage());
      return 1;
    }
  }

  /**
   * Asks {@code action}'s question when its row has one; true if there is none or the answer is
   * yes.
   */
  static boolean confirmed(VmAction action, String vm, java.io.Reader in, java.io.PrintWriter out) {
    if (action.confirm() == null) {
      return true;
    }
    out.print(action.confirm().question(vm) + " " + action.confirm().consequence() + " [y/N] ");
    out.flush();
    String answer;
    try {
      answer = new java.io.BufferedReader(in).readLine();
    } catch (IOException e) {
      return false;
    }
    return answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).matches("y|yes");
  }

  /** {@code berth -c URI power NAME ACTION}: libvirt's own call for the action, on its domain. */
  private int onLibvirt(VmAction a, BerthDirs dirs) {
    return reporting(
        () -> {
          VmSpec spec = VmLookup.find(dirs, name);
          dev.berth.vm.RunningVm vm =
              dev.berth.backend.InstalledBackends.all().forSpec(spec).reattach(spec, dirs).live();
          if (vm == null) {
            System.err.println("berth: " + name + " is not running");
            return 1;
          }
          Object done =
              a.invoke(new dev.berth.vm.DirectControls(vm))
                  .get(60, java.util.concurrent.TimeUnit.SECONDS);
          if (done instanceof dev.berth.vm.ShutdownPath path) {
            System.err.println("berth: " + path.describe());
          }
          if (await) {
            vm.exit().get(timeout, java.util.concurrent.TimeUnit.SECONDS);
          }
          return 0;
        });
  }

  /**
   * A QEMU that does not answer on QMP (stopped, hung) still takes signals: terminate, interrupt,
   * kill and force off (terminate, kill after 10 s) reach it; anything else says why not.
   */
  private int withoutQmp(VmAction a, ProcessHandle qemu) {
    return reporting(
        () -> {
          switch (a) {
            case TERMINATE -> ProcessSignals.send(qemu, "TERM");
            case INTERRUPT -> ProcessSignals.send(qemu, "INT");
            case KILL -> ProcessSignals.send(qemu, "KILL");
            case FORCE_OFF -> {
              System.err.println(
                  "berth: "
                      + name
                      + " does not answer on QMP: terminating QEMU pid "
                      + qemu.pid()
                      + ", kill in "
                      + ForceOff.KILL_AFTER_SECONDS
                      + " s if needed");
              ForceOff.escalate(
                      () -> signal(qemu, "TERM"),
                      () -> signal(qemu, "KILL"),
                      qemu.onExit(),
                      ForceOff.KILL_AFTER_SECONDS)
                  .get();
            }
            default -> {
              System.err.println(
                  "berth: "
                      + name
                      + " does not answer on QMP (QEMU pid "
                      + qemu.pid()
                      + " may be stopped or hung): only terminate, interrupt, kill and force-off"
                      + " reach it now");
              return 1;
            }
          }
          if (await) {
            qemu.onExit().get(timeout, java.util.concurrent.TimeUnit.SECONDS);
          }
          return 0;
        });
  }

  @FunctionalInterface
  private interface Work {
    int run() throws Exception;
  }

  /** Runs {@code work}; whatever goes wrong is one line and status 1. */
  private int reporting(Work work) {
    try {
      return work.run();
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("berth: " + name + " is still running after " + timeout + " s");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Exception e) {
      System.err.println("berth: " + name + ": " + VmSession.rootMessage(e));
      return 1;
    }
  }

  private static java.util.concurrent.CompletableFuture<?> signal(ProcessHandle h, String sig) {
    try {
      ProcessSignals.send(h, sig);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
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
