package dev.berth.cli;

import dev.berth.backend.InstalledBackends;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.qmp.QmpJson;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Lifecycle;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * {@code berth -c URI events|console NAME}: a running domain taken up through libvirt, its events
 * as they happen and its serial console over libvirt's stream, so both work on a remote host.
 */
final class LibvirtCli {
  private LibvirtCli() {}

  /** The running domain {@code name}, or a one-line error. */
  static RunningVm running(BerthDirs dirs, String name) throws VmLookup.CliError, IOException {
    VmSpec spec = VmLookup.find(dirs, name);
    RunningVm vm = InstalledBackends.all().forSpec(spec).reattach(spec, dirs).live();
    if (vm == null) {
      throw new VmLookup.CliError(name + " is not running");
    }
    return vm;
  }

  /** Prints the domain's events until its run ends, then how it ended. */
  static int follow(BerthDirs dirs, String name, boolean json) throws Exception {
    RunningVm vm = running(dirs, name);
    System.err.println("berth: following " + name + "'s events until it stops");
    vm.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            String line = QmpJson.eventLine(e);
            System.out.println(json ? line : EventsCommand.text(QmpJson.event(e)));
            System.out.flush();
          }
        });
    vm.begin();
    MachineExit end = vm.exit().get();
    if (!json) {
      System.out.println("end: " + Lifecycle.describe(end));
    }
    return 0;
  }

  /** The domain's serial console on this terminal until Ctrl+] or the end of the run. */
  static int console(BerthDirs dirs, String name, ConsoleIo io) throws Exception {
    RunningVm vm = running(dirs, name);
    OutputStream out = io.out();
    vm.setConsoleSink(
        (b, off, len) -> {
          try {
            out.write(b, off, len);
            out.flush();
          } catch (IOException e) {
            // the terminal went away: the keys' end detaches
          }
        });
    CompletableFuture<Void> detached = new CompletableFuture<>();
    io.err().print("Connected to " + name + "'s serial console; Ctrl+] detaches.\r\n");
    io.err().flush();
    RawTerminal tty = new RawTerminal();
    if (io.terminal()) {
      tty.enter();
    }
    try {
      vm.begin();
      Thread keys = new Thread(() -> pumpKeys(io.in(), vm, detached), "berth-console-keys");
      keys.setDaemon(true);
      keys.start();
      CompletableFuture.anyOf(detached, vm.exit()).get();
      io.err()
          .print(
              detached.isDone()
                  ? "\r\n[berth] detached from " + name + "\r\n"
                  : "\r\n[berth] " + name + " stopped\r\n");
      return 0;
    } finally {
      tty.restore();
    }
  }

  private static void pumpKeys(InputStream in, RunningVm vm, CompletableFuture<Void> detached) {
    byte[] b = new byte[1024];
    try {
      int n;
      while ((n = in.read(b)) > 0) {
        for (int i = 0; i < n; i++) {
          if ((b[i] & 0xff) == ConsoleCommand.DETACH) {
            if (i > 0) {
              vm.type(java.util.Arrays.copyOf(b, i));
            }
            return;
          }
        }
        vm.type(java.util.Arrays.copyOf(b, n));
      }
    } catch (IOException e) {
      // stdin closed: detach
    } finally {
      detached.complete(null);
    }
  }
}
