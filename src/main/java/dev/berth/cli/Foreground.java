package dev.berth.cli;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.qmp.QmpJson;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmControls;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs a machine in the foreground of this terminal, as QEMU's {@code -nographic} does: serial
 * console on stdin/stdout (raw mode on a TTY), Ctrl+A escapes for the power paths, optional events
 * as JSON lines, SIGINT/SIGTERM as host-signal. Returns the exit status QEMU would have.
 */
final class Foreground {
  private Foreground() {}

  /** What the terminal drives: the VM, what its power keys call, where its console goes. */
  record Target(
      RunningVm vm,
      VmControls controls,
      java.util.function.Consumer<RunningVm.ConsoleSink> console,
      boolean begin) {}

  /**
   * Runs the target's VM with its events written to {@code eventsTarget} (a file, "-", or null),
   * beginning it first when {@code begin} (a session has begun its VM itself).
   */
  static int run(Target t, ConsoleIo io, String eventsTarget) throws Exception {
    PrintStream eventOut = eventsTarget == null ? null : openEvents(eventsTarget, io);
    if (eventsTarget != null && eventOut == null) {
      return 1;
    }
    return run(t, io, eventOut, "-".equals(eventsTarget) ? "stderr" : eventsTarget);
  }

  /** Opens the events target: a file or "-" for stderr; null (after saying why) on failure. */
  private static PrintStream openEvents(String target, ConsoleIo io) {
    if ("-".equals(target)) {
      return io.err();
    }
    try {
      return new PrintStream(new FileOutputStream(target), true, StandardCharsets.UTF_8);
    } catch (IOException e) {
      io.err().println("berth: " + target + ": cannot write events: " + e.getMessage());
      return null;
    }
  }

  private static int run(Target t, ConsoleIo io, PrintStream eventOut, String eventsTarget)
      throws Exception {
    RunningVm m = t.vm();
    OutputStream out = io.out();
    t.console()
        .accept(
            (b, off, len) -> {
              try {
                out.write(b, off, len);
                out.flush();
              } catch (IOException e) {
                // The terminal went away; the guest keeps running, as QEMU's does.
              }
            });
    if (eventOut != null) {
      java.util.concurrent.atomic.AtomicBoolean told =
          new java.util.concurrent.atomic.AtomicBoolean();
      m.addListener(
          new MachineListener() {
            @Override
            public void onEvent(MachineEvent e) {
              eventOut.println(QmpJson.eventLine(e));
              eventOut.flush();
              // a PrintStream keeps its errors (a full disk, /dev/full): say so, once
              if (eventOut.checkError() && !told.getAndSet(true)) {
                io.err()
                    .println(
                        "berth: "
                            + eventsTarget
                            + ": cannot write events (the disk may be full); from "
                            + e.name()
                            + " on they are lost, the VM runs on");
              }
            }
          });
    }
    RawTerminal tty = new RawTerminal();
    if (io.terminal()) {
      tty.enter();
    }
    try {
      Signals.running(m, tty::restore);
      if (t.begin()) {
        m.begin();
      }
      startInputPump(t, io);
      MachineExit exit = m.exit().get();
      if (exit.kind() == MachineExit.Kind.CRASHED) {
        io.err().println("berth: " + exit.describe());
      }
      return exit.exitStatus();
    } finally {
      tty.restore();
      if (eventOut != null && eventOut != io.err()) {
        eventOut.close();
      }
    }
  }

  private static void startInputPump(Target target, ConsoleIo io) {
    SerialMonitor monitor = new SerialMonitor(target.vm(), target.controls(), io.err());
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[4096];
              try {
                int n;
                while ((n = io.in().read(buf)) > 0) {
                  monitor.feed(buf, n);
                }
              } catch (IOException e) {
                // stdin closed: the guest keeps running without input, as under QEMU
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "berth-stdin");
    t.setDaemon(true);
    t.start();
  }
}
