package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the committed Berth Linux guest (resources/guests/linux/images) on real {@code
 * qemu-system-riscv64 -machine virt} and checks what a Berth user relies on: the ready line, the
 * guest agent, both guest-side power-off paths, and the data disk (persistence and repair after a
 * power cut). CI installs QEMU; without it this test fails rather than skips.
 */
public class LinuxGuestQemuTest {
  public static final Path IMAGES = Path.of("resources/guests/linux/images");
  static final ObjectMapper JSON = new ObjectMapper();
  static String qemu;

  @TempDir static Path tmp;
  static Path kernel;
  Qemu vm;

  @BeforeAll
  static void findQemuAndUnpackKernel() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path q = Path.of(dir, "qemu-system-riscv64");
      if (Files.isExecutable(q)) {
        qemu = q.toString();
        break;
      }
    }
    if (qemu == null) {
      fail(
          "qemu-system-riscv64 is not installed: this test boots the Linux guest on real QEMU"
              + " (Debian: apt-get install qemu-system-misc)");
    }
    // QEMU's RISC-V -kernel does not take a gzip'd Image: unpack it once.
    kernel = tmp.resolve("Image");
    gunzip(IMAGES.resolve("Image.gz"), kernel);
  }

  public static void gunzip(Path from, Path to) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(from))) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @AfterEach
  void stop() {
    if (vm != null) vm.kill();
  }

  @Test
  void agentAnswersAndGuestShutdownPowersOff() throws Exception {
    vm = new Qemu(tmp.resolve("a"), null);
    vm.awaitReady();
    Agent ga = vm.agent();
    JsonNode sync =
        ga.call("{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":4711}}", true);
    assertEquals(4711, sync.path("return").asInt(), sync.toString());
    assertTrue(ga.call("{\"execute\":\"guest-ping\"}", false).path("return").isObject());
    JsonNode info = ga.call("{\"execute\":\"guest-info\"}", false).path("return");
    List<String> names = new ArrayList<>();
    info.path("supported_commands").forEach(c -> names.add(c.path("name").asText()));
    assertTrue(
        names.containsAll(
            List.of(
                "guest-sync",
                "guest-sync-delimited",
                "guest-ping",
                "guest-info",
                "guest-shutdown",
                "guest-get-osinfo",
                "guest-get-host-name",
                "guest-get-time")),
        info.toString());
    JsonNode os = ga.call("{\"execute\":\"guest-get-osinfo\"}", false).path("return");
    assertEquals("berth-linux", os.path("id").asText(), os.toString());
    assertEquals("riscv64", os.path("machine").asText(), os.toString());
    assertTrue(os.path("kernel-release").asText().startsWith("6.1."), os.toString());
    JsonNode err = ga.call("{\"execute\":\"no-such-command\"}", false);
    assertEquals("CommandNotFound", err.path("error").path("class").asText(), err.toString());
    JsonNode bad = ga.call("{\"execute\": oops}", false);
    assertEquals("GenericError", bad.path("error").path("class").asText(), bad.toString());
    assertTrue(ga.call("{\"execute\":\"guest-ping\"}", false).path("return").isObject());

    ga.send("{\"execute\":\"guest-shutdown\"}");
    vm.expectGuestShutdown();
    // QEMU may drop the serial bytes still queued for its socket when it exits: the first step
    // of the guest's shutdown is what is sure to have arrived.
    assertTrue(vm.console().contains("berth-shutdown: poweroff: stopping services"), vm.console());
  }

  @Test
  void poweroffOnTheConsolePowersOff() throws Exception {
    vm = new Qemu(tmp.resolve("b"), null);
    vm.awaitReady();
    vm.awaitConsole("# ", 10);
    vm.type("poweroff\n");
    vm.expectGuestShutdown();
    assertTrue(vm.console().contains("berth-shutdown: poweroff: stopping services"), vm.console());
  }

  @Test
  void dataDiskKeepsFilesAndIsRepairedAfterAPowerCut() throws Exception {
    Path disk = tmp.resolve("data.img");
    gunzip(IMAGES.resolve("data.img.gz"), disk);

    vm = new Qemu(tmp.resolve("c1"), disk);
    vm.awaitReady();
    assertTrue(vm.console().contains("/dev/vda mounted at /data"), vm.console());
    vm.awaitConsole("# ", 10);
    vm.type("echo kept-$((6*7)) > /data/note && sync && echo WROTE-$((1+1))\n");
    vm.awaitConsole("WROTE-2", 20);
    vm.qmp("{\"execute\":\"quit\"}");
    JsonNode ev = vm.awaitEvent("SHUTDOWN", 10);
    assertEquals("host-qmp-quit", ev.path("data").path("reason").asText(), ev.toString());
    assertEquals(0, vm.waitExit(10));

    vm = new Qemu(tmp.resolve("c2"), disk);
    vm.awaitReady();
    String boot = vm.console();
    assertTrue(boot.contains("was not cleanly unmounted"), boot);
    assertTrue(boot.matches("(?s).*/dev/vda: (clean|errors repaired|repaired).*"), boot);
    vm.awaitConsole("# ", 10);
    vm.type("cat /data/note\n");
    vm.awaitConsole("kept-42", 10);
    vm.type("poweroff\n");
    vm.expectGuestShutdown();
    assertTrue(vm.console().contains("unmounting /data"), vm.console());
  }

  /** One QEMU process with its serial console, QMP and agent sockets. */
  static final class Qemu {
    final Path dir;
    final Process proc;
    final SocketChannel serial;
    final SocketChannel qmp;
    final StringBuilder out = new StringBuilder();
    final ByteArrayOutputStream qmpBuf = new ByteArrayOutputStream();
    final List<JsonNode> events = new ArrayList<>();
    final long start = System.nanoTime();

    Qemu(Path dir, Path disk) throws Exception {
      this.dir = Files.createDirectories(dir);
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  qemu,
                  "-machine",
                  "virt",
                  "-accel",
                  "tcg",
                  "-m",
                  "128",
                  "-nographic",
                  "-monitor",
                  "none",
                  "-bios",
                  IMAGES.resolve("fw_jump.bin").toString(),
                  "-kernel",
                  kernel.toString(),
                  "-initrd",
                  IMAGES.resolve("initramfs.cpio.gz").toString(),
                  "-append",
                  "console=ttyS0",
                  "-chardev",
                  "socket,id=s,path=" + dir.resolve("serial") + ",server=on,wait=off",
                  "-serial",
                  "chardev:s",
                  "-qmp",
                  "unix:" + dir.resolve("qmp") + ",server=on,wait=off",
                  "-device",
                  "virtio-serial-device",
                  "-chardev",
                  "socket,id=qga0,path=" + dir.resolve("qga") + ",server=on,wait=off",
                  "-device",
                  "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
      if (disk != null) {
        cmd.addAll(
            List.of(
                "-drive",
                "file=" + disk + ",format=raw,if=none,id=d0",
                "-device",
                "virtio-blk-device,drive=d0"));
      }
      proc =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("qemu.log").toFile())
              .start();
      serial = connect(dir.resolve("serial"));
      qmp = connect(dir.resolve("qmp"));
      awaitQmp(j -> j.has("QMP"), 5);
      qmp("{\"execute\":\"qmp_capabilities\"}");
      awaitQmp(j -> j.has("return"), 5);
    }

    SocketChannel connect(Path p) throws Exception {
      for (int i = 0; i < 200; i++) {
        if (Files.exists(p)) {
          try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(p));
            ch.configureBlocking(false);
            return ch;
          } catch (IOException e) {
            // not listening yet
          }
        }
        if (!proc.isAlive()) fail("QEMU exited: " + Files.readString(dir.resolve("qemu.log")));
        Thread.sleep(25);
      }
      throw new AssertionError("no socket " + p);
    }

    void pump() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(65536);
      int n;
      while ((n = serial.read(b)) > 0) {
        out.append(new String(b.array(), 0, n, StandardCharsets.UTF_8));
        b.clear();
      }
      while ((n = qmp.read(b)) > 0) {
        qmpBuf.write(b.array(), 0, n);
        b.clear();
      }
      byte[] all = qmpBuf.toByteArray();
      int from = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == '\n') {
          events.add(JSON.readTree(new String(all, from, i - from, StandardCharsets.UTF_8)));
          from = i + 1;
        }
      }
      qmpBuf.reset();
      qmpBuf.write(all, from, all.length - from);
    }

    String console() {
      return out.toString();
    }

    void awaitConsole(String text, int seconds) throws Exception {
      int mark = out.length();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        pump();
        if (out.indexOf(text, Math.max(0, mark - text.length())) >= 0) return;
        if (!proc.isAlive()) break;
        Thread.sleep(20);
      }
      fail("no '" + text + "' on the console within " + seconds + " s:\n" + out);
    }

    void awaitReady() throws Exception {
      awaitConsole("berth-linux ready in", 60);
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf("berth-linux ready after %.2f s (wall, QEMU TCG)%n", s);
    }

    JsonNode awaitQmp(java.util.function.Predicate<JsonNode> p, int seconds) throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        pump();
        for (JsonNode j : events) {
          if (p.test(j)) {
            events.remove(j);
            return j;
          }
        }
        if (!proc.isAlive() && events.isEmpty()) break;
        Thread.sleep(20);
      }
      throw new AssertionError("no QMP message within " + seconds + " s; console:\n" + out);
    }

    JsonNode awaitEvent(String name, int seconds) throws Exception {
      return awaitQmp(j -> name.equals(j.path("event").asText()), seconds);
    }

    void qmp(String json) throws IOException {
      write(qmp, json + "\n");
    }

    void type(String s) throws IOException {
      write(serial, s);
    }

    static void write(SocketChannel ch, String s) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
      while (b.hasRemaining()) ch.write(b);
    }

    /**
     * The guest powered itself off: QEMU exits with status 0. QEMU 7.2's virt board (Debian 12)
     * powers off through sifive_test, which calls exit(0) without a SHUTDOWN event; newer QEMU (and
     * Berth's board) emit SHUTDOWN {guest:true, reason:"guest-shutdown"} first, which is checked
     * whenever it arrives.
     */
    void expectGuestShutdown() throws Exception {
      assertEquals(0, waitExit(20), "QEMU exit status after the guest powered off");
      for (JsonNode ev : events) {
        if ("SHUTDOWN".equals(ev.path("event").asText())) {
          assertTrue(ev.path("data").path("guest").asBoolean(), ev.toString());
          assertEquals("guest-shutdown", ev.path("data").path("reason").asText(), ev.toString());
        }
      }
    }

    int waitExit(int seconds) throws Exception {
      if (!proc.waitFor(seconds, TimeUnit.SECONDS)) fail("QEMU still running; console:\n" + out);
      try {
        pump();
      } catch (IOException e) {
        // socket already closed
      }
      return proc.exitValue();
    }

    Agent agent() throws Exception {
      return new Agent(connect(dir.resolve("qga")), this);
    }

    void kill() {
      proc.destroyForcibly();
      try {
        serial.close();
        qmp.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** The host side of the QGA channel (virtio-serial port org.qemu.guest_agent.0). */
  static final class Agent {
    final SocketChannel ch;
    final Qemu vm;
    final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Agent(SocketChannel ch, Qemu vm) {
      this.ch = ch;
      this.vm = vm;
    }

    void send(String json) throws IOException {
      Qemu.write(ch, json);
    }

    JsonNode call(String json, boolean delimited) throws Exception {
      if (delimited) Qemu.write(ch, "\u00ff");
      send(json);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      ByteBuffer b = ByteBuffer.allocate(65536);
      while (System.nanoTime() < end) {
        int n = ch.read(b);
        if (n > 0) {
          buf.write(b.array(), 0, n);
          b.clear();
        }
        byte[] all = buf.toByteArray();
        for (int i = 0; i < all.length; i++) {
          if (all[i] == '\n') {
            int from = 0;
            if (delimited) {
              assertEquals((byte) 0xFF, all[0], "guest-sync-delimited reply starts with 0xFF");
              from = 1;
            }
            String line = new String(all, from, i - from, StandardCharsets.UTF_8);
            buf.reset();
            buf.write(all, i + 1, all.length - i - 1);
            return JSON.readTree(line);
          }
        }
        vm.pump();
        Thread.sleep(10);
      }
      throw new AssertionError("no agent reply to " + json + "; console:\n" + vm.console());
    }
  }
}
