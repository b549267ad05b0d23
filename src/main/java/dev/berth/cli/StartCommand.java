package dev.berth.cli;

import dev.berth.backend.InstalledBackends;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.RunHistory;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
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

  /**
   * Starts {@code spec}'s VM through the same {@link VmSession} the app uses, so the run is
   * recorded the same way. A bundled VM then runs in this terminal's foreground; QEMU runs
   * detached, in a session of its own: this command prints its sockets and returns, and the app
   * reattaches to it, {@code berth console} shows its serial console.
   */
  private int start(VmSpec spec, BerthDirs dirs, ConsoleIo io) throws Exception {
    VmSession session =
        new VmSession(spec, InstalledBackends.all(), new RunHistory(dirs.state()), dirs);
    session.setOrigin(dev.berth.vm.Run.CLI);
    try {
      session.start().get();
    } catch (java.util.concurrent.ExecutionException e) {
      io.err().println("berth: cannot start " + spec.name() + ": " + VmSession.rootMessage(e));
      return 1;
    }
    RunningVm vm = session.vm();
    if (!vm.outlivesApp()) {
      int status =
          Foreground.run(
              new Foreground.Target(vm, session, session::setConsoleSink, false), io, events);
      try {
        session.runRecorded().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        io.err()
            .println("berth: the end of " + spec.name() + "'s run may be missing from its history");
      }
      return status;
    }
    java.io.PrintStream out =
        new java.io.PrintStream(io.out(), true, java.nio.charset.StandardCharsets.UTF_8);
    out.println(spec.name() + " started: " + vm.describe());
    out.println("  accel:   " + vm.accelerator());
    vm.endpoints().forEach((what, where) -> out.printf("  %-8s %s%n", what + ":", where));
    return 0;
  }

  @Override
  public Integer call() throws Exception {
    ConsoleIo io = ConsoleIo.system();
    BerthDirs dirs = VmLookup.dirs();
    VmSpec spec;
    try {
      spec = VmLookup.find(dirs, name);
    } catch (VmLookup.CliError | java.io.IOException e) {
      io.err().println("berth: " + e.getMessage());
      return 1;
    }
    return start(spec, dirs, io);
  }
}
