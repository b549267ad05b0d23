package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth console NAME}: attaches this terminal to a running VM's serial console. */
@Command(
    name = "console",
    description = {
      "Attach this terminal to a running VM's serial console (started by the app or by"
          + " 'berth start'). Ctrl+] detaches; the VM keeps running."
    },
    mixinStandardHelpOptions = true)
public final class ConsoleCommand implements Callable<Integer> {
  static final int DETACH = 0x1d; // Ctrl+], as virsh console

  @Parameters(paramLabel = "NAME", description = "the running VM")
  String name;

  private final ConsoleIo io;

  public ConsoleCommand() {
    this(ConsoleIo.system());
  }

  ConsoleCommand(ConsoleIo io) {
    this.io = io;
  }

  @Override
  public Integer call() throws Exception {
    BerthDirs dirs = VmLookup.dirs();
    if (VmLookup.onLibvirt()) {
      try {
        return LibvirtCli.console(dirs, name, io);
      } catch (VmLookup.CliError e) {
        io.err().println("berth: " + e.getMessage());
        return 1;
      }
    }
    Path socket = VmSockets.serial(dirs, name);
    String busy = qemuConsoleHolder(dirs);
    if (busy != null) {
      io.err().println("berth: " + busy);
      return 1;
    }
    SocketChannel ch;
    try {
      ch = dev.berth.qapi.QapiChannel.connect(socket);
    } catch (IOException e) {
      io.err().println("berth: " + name + " is not running (no console at " + socket + ")");
      return 1;
    }
    io.err().print("Connected to " + name + "'s serial console; Ctrl+] detaches.\r\n");
    io.err().flush();
    RawTerminal tty = new RawTerminal();
    if (io.terminal()) {
      tty.enter();
    }
    try (ch) {
      Thread keys = new Thread(() -> pumpKeys(io.in(), ch), "berth-console-keys");
      keys.setDaemon(true);
      keys.start();
      OutputStream out = io.out();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) > 0) {
        out.write(buf.array(), 0, buf.position());
        out.flush();
        buf.clear();
      }
      io.err().print("\r\n[berth] " + name + "'s console closed\r\n");
      return 0;
    } catch (IOException detached) {
      io.err().print("\r\n[berth] detached from " + name + "\r\n");
      return 0;
    } finally {
      tty.restore();
    }
  }

  /**
   * QEMU's serial socket serves one client at a time and silently queues the next: say so instead
   * of showing a console that never prints. Null if the console is free (or not QEMU's).
   */
  private String qemuConsoleHolder(BerthDirs dirs) {
    if (!QemuRuntime.of(dirs, name).isQemu()) {
      return null;
    }
    try (QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, name), 5000)) {
      for (JsonNode c : qmp.execute("query-chardev", null)) {
        if (c.path("label").asText().equals("serial0")
            && !c.path("filename").asText().startsWith("disconnected:")) {
          return name
              + "'s serial console is in use by another client (QEMU takes one at a time;"
              + " the Berth app may be showing it)";
        }
      }
    } catch (IOException e) {
      return null; // not answering: the connect below gives the error
    }
    return null;
  }

  /** Keys go to the guest until Ctrl+]; detaching closes the connection, not the VM. */
  private static void pumpKeys(InputStream in, SocketChannel ch) {
    byte[] b = new byte[1024];
    try {
      int n;
      while ((n = in.read(b)) > 0) {
        int len = n;
        boolean detach = false;
        for (int i = 0; i < n; i++) {
          if ((b[i] & 0xff) == DETACH) {
            len = i;
            detach = true;
            break;
          }
        }
        ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (detach) {
          break;
        }
      }
      ch.close(); // stdin ended or Ctrl+]
    } catch (IOException e) {
      // the VM's side closed
    }
  }
}
