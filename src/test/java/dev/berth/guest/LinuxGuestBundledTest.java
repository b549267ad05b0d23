package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.backend.bundled.AgentServer;
import dev.berth.core.GuestRun;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import dev.berth.core.virtio.Keyboard;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Berth Linux guest on the bundled core with its virtio devices: the data disk mounts at /data
 * and what the guest syncs is in the image file, the agent answers over qga.sock, and keys typed on
 * the virtio keyboard reach a shell on tty1 (and KEY_POWER powers the guest off through acpid).
 */
class LinuxGuestBundledTest {
  private static final Path IMAGES = Path.of("resources/guests/linux/images");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static byte[] gunzipped(String name) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(IMAGES.resolve(name)))) {
      return in.readAllBytes();
    }
  }

  @Test
  void dataDiskAgentAndKeyboard() throws Exception {
    Path disk = tmp.resolve("data.img");
    Files.write(disk, gunzipped("data.img.gz"));
    MachineConfig config =
        new MachineConfig(
                "linux",
                MachineConfig.DEFAULT_MEMORY,
                new ImageSource("Image", gunzipped("Image.gz")),
                ImageSource.fromPath(IMAGES.resolve("initramfs.cpio.gz")),
                "console=ttyS0",
                ImageSource.fromPath(IMAGES.resolve("fw_jump.bin")))
            .withDrives(List.of(new MachineConfig.Drive(disk, false)));
    Path qga = tmp.resolve("qga.sock");
    try (GuestRun run = new GuestRun(config).withTimeout(Duration.ofSeconds(90))) {
      new AgentServer(run.machine, qga);
      run.machine.start();
      run.awaitConsole("berth-data: /dev/vda mounted at /data");
      run.awaitConsole("berth-agent: guest agent on /dev/vport1p1 (org.qemu.guest_agent.0)");
      run.awaitConsole("berth-linux ready in");
      run.awaitConsole("berth-linux:~# ");

      // A file the guest wrote and synced is in the image on the host.
      run.type("echo berth-virtio-$((6*7)) > /data/probe && sync && echo SYNCED-$((1+1))\n");
      run.awaitConsole("SYNCED-2");
      String image = new String(Files.readAllBytes(disk), StandardCharsets.ISO_8859_1);
      assertTrue(image.contains("berth-virtio-42\n"), "the synced file is in data.img");

      // The agent answers over qga.sock.
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(qga));
        JsonNode pong = call(ch, "{\"execute\":\"guest-ping\"}\n", run);
        assertTrue(pong.path("return").isObject(), pong.toString());
        JsonNode info = call(ch, "{\"execute\":\"guest-get-osinfo\"}\n", run);
        assertEquals("berth-linux", info.path("return").path("id").asText(), info.toString());
      }
      // A client that half-closes right after its command (echo … | socat) still gets the reply.
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(qga));
        ch.write(
            ByteBuffer.wrap("{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.UTF_8)));
        ch.shutdownOutput();
        String said =
            new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(said.contains("\"return\""), "after a half-close: '" + said + "'");
      }

      // Keys typed on the virtio keyboard reach the shell on tty1.
      run.type("while [ ! -e /tmp/kbd-ok ]; do sleep 1; done; echo KEYBOARD-$((2+3))\n");
      typeOnKeyboard(run.machine.keyboard(), "touch /tmp/kbd-ok\n");
      run.awaitConsole("KEYBOARD-5");

      // KEY_POWER from the keyboard goes through acpid to the power policy: an orderly power-off.
      tap(run.machine.keyboard(), 116);
      run.awaitConsole("unmounting /data");
      MachineExit exit = run.awaitExit();
      assertEquals(MachineExit.Kind.SHUTDOWN, exit.kind(), exit.toString());
      assertEquals(ShutdownCause.GUEST_SHUTDOWN, exit.cause());
    }
  }

  /** Sends one command and reads one reply line, within 30 s. */
  private static JsonNode call(SocketChannel ch, String json, GuestRun run) throws IOException {
    ch.configureBlocking(true);
    ch.write(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    ch.configureBlocking(false);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(1);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Selector sel = Selector.open()) {
      ch.register(sel, SelectionKey.OP_READ);
      while (System.nanoTime() < deadline) {
        sel.select(500);
        while (ch.read(b) > 0) {
          byte c = b.get(0);
          b.clear();
          if (c == '\n') {
            return JSON.readTree(line.toString(StandardCharsets.UTF_8));
          }
          line.write(c);
        }
      }
    }
    throw new AssertionError("no reply to " + json + "; console:\n" + run.console());
  }

  /** Linux key codes for the characters typed here (US layout, no shift needed). */
  private static final String ROW_Q = "qwertyuiop", ROW_A = "asdfghjkl", ROW_Z = "zxcvbnm";

  private static int code(char c) {
    if (ROW_Q.indexOf(c) >= 0) {
      return 16 + ROW_Q.indexOf(c);
    }
    if (ROW_A.indexOf(c) >= 0) {
      return 30 + ROW_A.indexOf(c);
    }
    if (ROW_Z.indexOf(c) >= 0) {
      return 44 + ROW_Z.indexOf(c);
    }
    return switch (c) {
      case '-' -> 12;
      case '\n' -> 28;
      case '.' -> 52;
      case '/' -> 53;
      case ' ' -> 57;
      default -> throw new IllegalArgumentException("no key for " + c);
    };
  }

  private static void tap(Keyboard k, int code) {
    k.key(code, true);
    k.key(code, false);
  }

  private static void typeOnKeyboard(Keyboard k, String text) {
    for (char c : text.toCharArray()) {
      tap(k, code(c));
    }
  }
}
