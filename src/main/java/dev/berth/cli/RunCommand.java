package dev.berth.cli;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.core.machine.MachineEvent;
import dev.berth.core.machine.MachineExit;
import dev.berth.core.machine.MachineListener;
import dev.berth.qmp.QmpJson;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth run}: boots a kernel on the bundled core, headless, like QEMU's -nographic. */
@Command(
    name = "run",
    description = {
      "Boot a RISC-V program or kernel on the bundled core with the serial console on this"
          + " terminal, like qemu-system-riscv64 -machine virt -nographic.",
      "Press Ctrl+A h for the power keys: p = power button, x = quit, t = terminate,"
          + " k = kill, r = reset, z = pause/resume.",
      "The exit status follows QEMU: 0 after a shutdown, the guest's code after a failure"
          + " exit (sifive_test)."
    },
    mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--kernel",
      required = true,
      paramLabel = "FILE",
      description = "ELF program or RISC-V Linux Image to boot")
  Path kernel;

  @Option(
      names = {"-m", "--memory"},
      paramLabel = "SIZE",
      defaultValue = "128M",
      description = "guest RAM, e.g. 128M or 1G (default: ${DEFAULT-VALUE})")
  String memory;

  @Option(names = "--initrd", paramLabel = "FILE", description = "initial ramdisk")
  Path initrd;

  @Option(
      names = "--append",
      paramLabel = "CMDLINE",
      defaultValue = "",
      description = "kernel command line")
  String append;

  @Option(
      names = "--bios",
      paramLabel = "FILE|none",
      defaultValue = "none",
      description = "M-mode firmware (e.g. OpenSBI fw_jump.bin), or none (default)")
  String bios;

  @Option(
      names = "--events",
      paramLabel = "FILE|-",
      description = "write QMP-shaped events as JSON lines to FILE, or - for stderr")
  String events;

  private final Io io;

  /** The streams a run uses; tests pass their own. */
  record Io(InputStream in, OutputStream out, PrintStream err, boolean terminal) {
    static Io system() {
      return new Io(
          System.in,
          new FileOutputStream(java.io.FileDescriptor.out),
          System.err,
          RawTerminal.stdinIsTerminal());
    }
  }

  public RunCommand() {
    this(Io.system());
  }

  RunCommand(Io io) {
    this.io = io;
  }

  private volatile Machine machine;

  /** The running machine, once booted. */
  Machine machine() {
    return machine;
  }

  @Override
  public Integer call() throws Exception {
    MachineConfig config;
    try {
      long bytes = Sizes.parse(memory);
      config =
          new MachineConfig(
              kernel.getFileName().toString(),
              bytes,
              ImageSource.fromPath(kernel),
              initrd == null ? null : ImageSource.fromPath(initrd),
              append,
              "none".equals(bios) ? null : ImageSource.fromPath(Path.of(bios)));
    } catch (ImageException | IllegalArgumentException e) {
      io.err().println("berth: " + e.getMessage());
      return 1;
    }
    Machine m;
    try {
      m = new Machine(config);
    } catch (ImageException e) {
      io.err().println("berth: " + e.getMessage());
      return 1;
    }
    PrintStream eventOut = openEvents();
    if (events != null && eventOut == null) {
      return 1;
    }
    OutputStream out = io.out();
    m.setSerialSink(
        (b, off, len) -> {
          try {
            out.write(b, off, len);
            out.flush();
          } catch (IOException e) {
            // The terminal went away; the guest keeps running, as QEMU's does.
          }
        });
    if (eventOut != null) {
      m.addListener(
          new MachineListener() {
            @Override
            public void onEvent(MachineEvent e) {
              eventOut.println(QmpJson.eventLine(e));
              eventOut.flush();
            }
          });
    }
    RawTerminal tty = new RawTerminal();
    if (io.terminal()) {
      tty.enter();
    }
    try {
      machine = m;
      Signals.running(m, tty::restore);
      m.start();
      startInputPump(m);
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

  private PrintStream openEvents() {
    if (events == null) {
      return null;
    }
    if ("-".equals(events)) {
      return io.err();
    }
    try {
      return new PrintStream(new FileOutputStream(events), true, StandardCharsets.UTF_8);
    } catch (IOException e) {
      io.err().println("berth: " + events + ": cannot write events: " + e.getMessage());
      return null;
    }
  }

  private void startInputPump(Machine m) {
    SerialMonitor monitor = new SerialMonitor(m, io.err());
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
