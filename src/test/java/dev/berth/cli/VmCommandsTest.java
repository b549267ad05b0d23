package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it, in real processes: one terminal starts a VM headless, a second one
 * lists it, asks its status, follows its events and presses its power button.
 */
class VmCommandsTest {
  @TempDir Path home;

  private ProcessBuilder berth(String... args) {
    return new CliProcess(home).berth(args);
  }

  private CliProcess.Result run(String... args) throws Exception {
    return new CliProcess(home).run(args);
  }

  /** Holds a connection to a console socket and collects what the guest prints. */
  private static final class ConsoleTap implements AutoCloseable {
    final java.nio.channels.SocketChannel ch;
    final StringBuffer text = new StringBuffer();

    ConsoleTap(Path socket) throws java.io.IOException {
      ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
      ch.connect(java.net.UnixDomainSocketAddress.of(socket));
      Thread t =
          new Thread(
              () -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
                try {
                  while (ch.read(b.clear()) > 0) {
                    synchronized (text) {
                      text.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
                      text.notifyAll();
                    }
                  }
                } catch (java.io.IOException e) {
                  // closed
                }
              });
      t.setDaemon(true);
      t.start();
    }

    void await(String wanted, long seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      synchronized (text) {
        while (!text.toString().contains(wanted)) {
          long left = deadline - System.nanoTime();
          assertTrue(left > 0, "no \"" + wanted + "\" on the console: " + text);
          TimeUnit.NANOSECONDS.timedWait(text, left);
        }
      }
    }

    @Override
    public void close() throws java.io.IOException {
      ch.close();
    }
  }

  @Test
  void qemuVmStartsDetachedAndStopsThroughItsAgentFromTheCli() throws Exception {
    CliProcess.Result created = new CliProcess(home).createX86("x86");
    assertEquals(0, created.status(), created.err());
    CliProcess.Result started = run("start", "x86");
    assertEquals(0, started.status(), started.err());
    assertTrue(started.out().contains("x86 started: QEMU"), started.out());
    // the CLI process made the test JVM's accelerator choice, and says why
    assertTrue(
        started
            .out()
            .contains(
                "  accel:   "
                    + dev.berth.backend.qemu.X86TestGuest.accel().toUpperCase(java.util.Locale.ROOT)
                    + ": "),
        started.out());
    assertTrue(run("status", "x86").out().contains("running"));
    Path serial;
    try (var files = java.nio.file.Files.walk(home)) {
      serial =
          files.filter(f -> f.endsWith(Path.of("x86", "serial.sock"))).findFirst().orElseThrow();
    }
    try (ConsoleTap tap = new ConsoleTap(serial)) {
      tap.await("x86-guest ready", 120);
      CliProcess.Result busy = run("console", "x86");
      assertEquals(1, busy.status());
      assertTrue(busy.err().contains("serial console is in use"), busy.err());
    }
    CliProcess.Result down = run("power", "x86", "shutdown", "--wait", "--timeout", "30");
    assertEquals(0, down.status(), down.err());
    assertTrue(down.err().contains("via the guest agent"), down.err());
    assertTrue(run("status", "x86").out().contains("shut off"));
  }

  @Test
  void startHeadlessThenDriveItFromASecondTerminal() throws Exception {
    CliProcess.Result none = run("status", "demo");
    assertEquals(0, none.status(), none.err());
    assertTrue(none.out().contains("shut off"), none.out());
    assertEquals(1, run("power", "demo", "button").status(), "not running yet");

    Process vm = berth("start", "demo", "--headless", "--events", "-").start();
    try (BufferedReader console =
        new BufferedReader(new InputStreamReader(vm.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = console.readLine();
      } while (line != null && !line.contains("demo login-free shell ready"));
      assertTrue(line != null, "the demo guest never came up");

      CliProcess.Result list = run("list", "--json");
      JsonNode vms = new ObjectMapper().readTree(list.out());
      assertEquals("demo", vms.get(0).get("name").asText());
      assertEquals("running", vms.get(0).get("state").asText());
      assertEquals("bundled", vms.get(0).get("backend").asText());
      assertEquals(1, run("start", "demo", "--headless").status(), "one VM, one instance");

      Process attached = berth("console", "demo").start();
      BufferedReader consoleErr =
          new BufferedReader(
              new InputStreamReader(attached.getErrorStream(), StandardCharsets.UTF_8));
      assertTrue(consoleErr.readLine().contains("Ctrl+] detaches"));
      attached.getOutputStream().write("uptime\r".getBytes(StandardCharsets.UTF_8));
      attached.getOutputStream().flush();
      BufferedReader consoleOut =
          new BufferedReader(
              new InputStreamReader(attached.getInputStream(), StandardCharsets.UTF_8));
      String seen;
      do {
        seen = consoleOut.readLine();
      } while (seen != null && !seen.startsWith("up "));
      assertTrue(seen != null, "the guest answered through the console socket");
      attached.getOutputStream().write(0x1d); // Ctrl+]
      attached.getOutputStream().flush();
      assertTrue(attached.waitFor(10, TimeUnit.SECONDS), "Ctrl+] detaches");
      assertEquals(0, attached.exitValue());

      Process follow = berth("events", "demo", "--follow", "--json").start();
      BufferedReader followErr =
          new BufferedReader(
              new InputStreamReader(follow.getErrorStream(), StandardCharsets.UTF_8));
      String following = followErr.readLine();
      assertTrue(following != null && following.contains("following demo"), following);
      CliProcess.Result pause = run("power", "demo", "pause");
      assertEquals(0, pause.status(), pause.err());
      assertTrue(run("status", "demo").out().contains("paused"));
      assertEquals(1, run("power", "demo", "wakeup").status(), "not suspended: a clear error");
      assertEquals(0, run("power", "demo", "resume").status());
      CliProcess.Result button = run("power", "demo", "button", "--wait", "--timeout", "20");
      assertEquals(0, button.status(), button.err());
      assertTrue(vm.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, vm.exitValue());
      assertTrue(follow.waitFor(20, TimeUnit.SECONDS), "events --follow ends with the VM");
      String events = new String(follow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      List<String> names = new ArrayList<>();
      for (String e : events.strip().split("\n")) {
        names.add(new ObjectMapper().readTree(e).get("event").asText());
      }
      assertEquals(List.of("STOP", "RESUME", "POWERDOWN", "SHUTDOWN"), names, events);
    } finally {
      vm.destroyForcibly();
    }
    CliProcess.Result after = run("status", "demo");
    assertTrue(after.out().contains("shut off"), after.out());
    assertTrue(after.out().contains("Guest powered off (guest-shutdown)"), after.out());
    CliProcess.Result history = run("events", "demo");
    assertTrue(history.out().contains("POWERDOWN"), history.out());
    assertTrue(history.out().contains("end: Guest powered off (guest-shutdown)"), history.out());
    CliProcess.Result unknown = run("power", "nosuchvm", "button");
    assertEquals(1, unknown.status());
    assertEquals(1, unknown.err().lines().count(), unknown.err());
    CliProcess.Result bad = run("power", "demo", "explode");
    assertEquals(2, bad.status());
  }

  @Test
  void createEditAndDeleteTheAppsJsonSpecs() throws Exception {
    CliProcess.Result created =
        run("create", "scratch", "--memory", "64", "--button-timeout", "10");
    assertEquals(0, created.status(), created.err());
    Path json = home.resolve(".config/berth/vms/scratch.json");
    assertTrue(
        java.nio.file.Files.readString(json).contains("\"memoryMiB\" : 64"),
        java.nio.file.Files.readString(json));

    CliProcess.Result accel =
        run("edit", "scratch", "--backend", "qemu", "--kernel", "/bin/sh", "--accel", "TCG");
    assertEquals(0, accel.status(), accel.err());
    assertTrue(
        java.nio.file.Files.readString(json).contains("\"accel\" : \"tcg\""),
        java.nio.file.Files.readString(json));
    CliProcess.Result badAccel = run("edit", "scratch", "--accel", "hvf");
    assertEquals(2, badAccel.status(), badAccel.err());
    assertTrue(
        badAccel.err().contains("'hvf' is not an accelerator: use auto, kvm or tcg"),
        badAccel.err());
    assertEquals(
        0,
        run(
                "edit",
                "scratch",
                "--backend",
                "bundled",
                "--kernel",
                "bundled:demo",
                "--accel",
                "auto")
            .status());

    CliProcess.Result small = run("create", "tiny", "--kernel", "bundled:linux", "--memory", "64");
    assertEquals(1, small.status());
    assertEquals(1, small.err().lines().count(), small.err());
    assertTrue(small.err().contains("bundled:linux needs at least 65 MiB"), small.err());

    CliProcess.Result bad =
        run("create", "scratch", "--memory", "99999", "--kernel", "/no/such/file");
    assertEquals(1, bad.status());
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertTrue(
        bad.err().contains("name:")
            && bad.err().contains("memoryMiB:")
            && bad.err().contains("kernel:"),
        bad.err());

    CliProcess.Result edited = run("edit", "scratch", "--append", "hello=1");
    assertEquals(0, edited.status(), edited.err());
    CliProcess.Result rejected = run("edit", "scratch", "--button-timeout", "600");
    assertEquals(1, rejected.status());
    String now = java.nio.file.Files.readString(json);
    assertTrue(now.contains("hello=1") && now.contains("\"powerButtonTimeoutSeconds\" : 10"), now);

    Path disk = home.resolve("data.img");
    java.nio.file.Files.write(disk, new byte[512]);
    assertEquals(0, run("edit", "scratch", "--disk", disk.toString()).status());
    assertTrue(java.nio.file.Files.readString(json).contains(disk.toString()));
    CliProcess.Result missingDisk =
        run("edit", "scratch", "--disk", home.resolve("none.img").toString());
    assertEquals(1, missingDisk.status());
    assertTrue(missingDisk.err().contains("disks: Disk 1: No such file"), missingDisk.err());
    assertEquals(0, run("edit", "scratch", "--disk", "").status());
    assertTrue(!java.nio.file.Files.readString(json).contains("data.img"), "disk removed");

    assertTrue(run("list").out().contains("scratch"));
    // a disk Berth made for it goes with --with-data (the user's data.img stays)
    Path own = home.resolve(".local/state/berth/disks/scratch.img");
    java.nio.file.Files.createDirectories(own.getParent());
    java.nio.file.Files.write(own, new byte[512]);
    CliProcess.Result deleted = run("delete", "scratch", "--with-data");
    assertEquals(0, deleted.status(), deleted.err());
    assertTrue(deleted.out().startsWith("deleted scratch; deleted "), deleted.out());
    assertTrue(!java.nio.file.Files.exists(own));
    assertTrue(java.nio.file.Files.exists(disk));
    assertEquals(1, run("delete", "scratch").status());
    assertTrue(!java.nio.file.Files.exists(json));
  }
}
