package dev.berth.cli;

import dev.berth.backend.bundled.BundledMachines;
import dev.berth.backend.qemu.QemuVm;
import dev.berth.core.boot.ImageException;
import dev.berth.core.machine.Machine;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.qmp.VmEndpoints;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Lifecycle;
import dev.berth.vm.RunHistory;
import dev.berth.vm.RunRecorder;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth start NAME --headless}: runs a VM from the library in this terminal. */
@Command(
    name = "start",
    description = {
      "Start a VM from the library in the foreground of this terminal (serial console here,"
          + " Ctrl+A h for the power keys). While it runs, 'berth power/status/events' and any"
          + " QMP client reach it through its socket. Ctrl+C ends it with host-signal."
    },
    mixinStandardHelpOptions = true)
public final class StartCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "the VM to start")
  String name;

  @Option(
      names = "--headless",
      description = "no window: the console is this terminal (the only mode for now)")
  boolean headless;

  @Option(
      names = "--events",
      paramLabel = "FILE|-",
      description = "also write events as JSON lines")
  String events;

  /** Runs started here appear in the app's timeline and in 'berth status' like any other. */
  private static void record(Machine m, RunRecorder recorder) {
    recorder.state(VmState.RUNNING, System.currentTimeMillis() * 1000);
    m.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            recorder.event(e);
            if (e.name().equals(MachineEvent.STOP)) {
              recorder.state(VmState.PAUSED, e.timestampMicros());
            } else if (e.name().equals(MachineEvent.RESUME)) {
              recorder.state(VmState.RUNNING, e.timestampMicros());
            } else if (e.name().equals(MachineEvent.SHUTDOWN)) {
              recorder.state(
                  e.cause() != null && e.cause().isGuest()
                      ? VmState.SHUTTING_DOWN
                      : VmState.STOPPING,
                  e.timestampMicros());
            }
          }

          @Override
          public void onExit(MachineExit exit) {
            recorder.end(exit, Lifecycle.describe(exit));
          }
        });
  }

  /**
   * QEMU runs detached, in a session of its own: this command starts it, notes the run in the
   * history and returns; the app reattaches to it, {@code berth console} shows its serial console.
   */
  private static int startQemu(VmSpec spec, BerthDirs dirs, ConsoleIo io) {
    QemuVm q;
    try {
      q = QemuVm.launch(spec, dirs);
    } catch (java.io.IOException e) {
      io.err().println("berth: cannot start " + spec.name() + ": " + e.getMessage());
      return 1;
    }
    try (RunRecorder recorder = new RunHistory(dirs.state()).startRun(spec.name())) {
      recorder.state(VmState.RUNNING, System.currentTimeMillis() * 1000);
      q.recordRun(recorder.run());
    } catch (java.io.IOException e) {
      io.err().println("berth: the run history cannot be written: " + e.getMessage());
    }
    java.io.PrintStream out =
        new java.io.PrintStream(io.out(), true, java.nio.charset.StandardCharsets.UTF_8);
    out.println(spec.name() + " started: " + q.describe());
    out.println("  accel:   " + q.accelerator());
    out.println("  QMP:     " + q.runtime().qmp());
    out.println("  serial:  " + q.runtime().serial() + " (berth console " + spec.name() + ")");
    out.println("  agent:   " + q.runtime().qga());
    out.println("  display: " + q.runtime().vnc() + " (VNC)");
    return 0;
  }

  @Override
  public Integer call() throws Exception {
    ConsoleIo io = ConsoleIo.system();
    BerthDirs dirs = VmLookup.dirs();
    VmSpec spec;
    Machine m;
    try {
      spec = VmLookup.find(dirs, name);
      if (spec.backend() == VmSpec.Backend.QEMU) {
        return startQemu(spec, dirs, io);
      }
      Path socket = VmSockets.qmp(dirs, name);
      if (VmSockets.isLive(socket)) {
        throw new VmLookup.CliError(name + " is already running (" + socket + " answers)");
      }
      m = new Machine(BundledMachines.config(spec, dirs));
      VmEndpoints.open(m, dirs, name);
      record(m, new RunHistory(dirs.state()).startRun(name));
    } catch (VmLookup.CliError | ImageException | java.io.IOException e) {
      io.err().println("berth: " + e.getMessage());
      return 1;
    }
    return Foreground.run(m, io, events);
  }
}
