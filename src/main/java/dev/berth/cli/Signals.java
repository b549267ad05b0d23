package dev.berth.cli;

import dev.berth.vm.RunningVm;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT and SIGTERM for {@code berth run}: as QEMU does, they post a shutdown with cause
 * host-signal, the machine publishes its SHUTDOWN event, and the process exits 0.
 */
public final class Signals {
  private static volatile RunningVm current;
  private static volatile Runnable cleanup = () -> {};

  private Signals() {}

  /** Installs the handler once for the process (a JVM shutdown hook). */
  public static void install() {
    Runtime.getRuntime().addShutdownHook(new Thread(Signals::onSignal, "berth-signal"));
  }

  static void running(RunningVm machine, Runnable restoreTerminal) {
    current = machine;
    cleanup = restoreTerminal;
  }

  private static void onSignal() {
    RunningVm m = current;
    if (m == null || m.exit().isDone()) {
      return; // a normal exit: System.exit already carries the machine's status
    }
    m.terminate();
    int status;
    try {
      status = m.exit().get(5, TimeUnit.SECONDS).exitStatus();
    } catch (Exception e) {
      status = 1;
    }
    cleanup.run();
    System.out.flush();
    System.err.flush();
    // A signal would otherwise exit with 128+N; QEMU exits 0 after handling SIGTERM/SIGINT.
    Runtime.getRuntime().halt(status);
  }
}
