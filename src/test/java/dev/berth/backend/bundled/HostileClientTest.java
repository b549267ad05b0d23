package dev.berth.backend.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.backend.bundled.QmpServerTest.RawClient;
import dev.berth.core.GuestRun;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that misbehave on purpose — huge lines, deep nesting, hundreds of connections,
 * half-closes — against the bundled core's QMP and serial sockets: each costs only itself.
 */
class HostileClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  private static RawClient negotiated(Path socket) throws IOException {
    RawClient c = new RawClient(socket);
    c.read();
    assertEquals(
        JSON.readTree("{\"return\": {}}"), c.execute("{\"execute\":\"qmp_capabilities\"}"));
    return c;
  }

  /** Everything the peer sends until it closes (a test guest's server always does, in time). */
  private static String readToEnd(SocketChannel ch) throws IOException {
    StringBuilder text = new StringBuilder();
    ByteBuffer b = ByteBuffer.allocate(8192);
    while (ch.read(b.clear()) >= 0) {
      text.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  @Test
  void anOverlongLineIsRefusedWithoutReadingItIntoMemoryAndTheSessionGoesOn() throws Exception {
    try (GuestRun run = GuestRun.start("pm_ignore");
        QmpServer server = new QmpServer(run.machine, dir.resolve("qmp.sock"), "0.1.0");
        RawClient c = negotiated(server.socket())) {
      // Valid JSON, so only the length can be what is refused.
      c.sendRaw("{\"execute\":\"query-status\",\"id\":\"");
      byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
      for (long sent = 0; sent < 3L * QmpServer.MAX_LINE; sent += chunk.length) {
        c.sendRaw(new String(chunk, StandardCharsets.US_ASCII));
      }
      c.sendRaw("\"}\n");
      JsonNode refused = c.read();
      assertEquals("GenericError", refused.at("/error/class").asText(), refused.toString());
      assertTrue(refused.at("/error/desc").asText().contains("too long"), refused.toString());
      JsonNode status = c.execute("{\"execute\":\"query-status\",\"id\":1}");
      assertEquals("running", status.at("/return/status").asText(), status.toString());
    }
  }

  /** A query-status whose id is arrays in arrays: {@code depth} levels with the command's own. */
  private static String statusWithIdNested(int depth) {
    return "{\"execute\":\"query-status\",\"id\":"
        + "[".repeat(depth - 1)
        + "]".repeat(depth - 1)
        + "}";
  }

  @Test
  void deepNestingIsAParseErrorAndTheSessionGoesOn() throws Exception {
    try (GuestRun run = GuestRun.start("pm_ignore");
        QmpServer server = new QmpServer(run.machine, dir.resolve("qmp.sock"), "0.1.0");
        RawClient c = negotiated(server.socket())) {
      JsonNode deep = c.execute(statusWithIdNested(QmpServer.MAX_NESTING + 1));
      assertEquals("GenericError", deep.at("/error/class").asText(), deep.toString());
      assertTrue(deep.at("/error/desc").asText().contains("nesting"), deep.toString());
      JsonNode shallow = c.execute(statusWithIdNested(QmpServer.MAX_NESTING));
      assertEquals("running", shallow.at("/return/status").asText(), shallow.toString());
    }
  }

  @Test
  void clientsBeyondTheLimitAreRefusedWithAReasonAndCostNoThreads() throws Exception {
    List<SocketChannel> idle = new ArrayList<>();
    try (GuestRun run = GuestRun.start("pm_ignore");
        QmpServer server = new QmpServer(run.machine, dir.resolve("qmp.sock"), "0.1.0")) {
      try {
        for (int i = 0; i < QmpServer.MAX_CLIENTS; i++) {
          idle.add(connect(server.socket()));
        }
        for (int i = 0; i < 200; i++) {
          try (SocketChannel extra = connect(server.socket())) {
            String said = readToEnd(extra);
            assertTrue(said.contains("too many QMP clients"), said);
          }
        }
        assertTrue(
            threadsNamed("berth-qmp-" + run.machine.config().name())
                <= 2L * QmpServer.MAX_CLIENTS + 1,
            threadsNamed("berth-qmp-" + run.machine.config().name()) + " QMP threads");
        idle.remove(0).close();
        // The freed slot goes to the next client (the server notices the close first).
        run.await(
            () -> {
              try (RawClient next = new RawClient(server.socket())) {
                JsonNode greeting = next.read();
                return greeting != null && greeting.has("QMP");
              } catch (IOException e) {
                return false;
              }
            },
            "a client accepted once another left");
      } finally {
        for (SocketChannel ch : idle) {
          ch.close();
        }
      }
    }
  }

  @Test
  void aClientThatHalfClosesGetsEveryReplyThenTheEnd() throws Exception {
    try (GuestRun run = GuestRun.start("pm_ignore");
        QmpServer server = new QmpServer(run.machine, dir.resolve("qmp.sock"), "0.1.0")) {
      for (int i = 0; i < 50; i++) {
        try (SocketChannel ch = connect(server.socket())) {
          // Two commands on one line, as `echo '{…}{…}' | socat - UNIX-CONNECT:qmp.sock` sends.
          ch.write(
              ByteBuffer.wrap(
                  "{\"execute\":\"qmp_capabilities\"}{\"execute\":\"query-status\",\"id\":2}\n"
                      .getBytes(StandardCharsets.UTF_8)));
          ch.shutdownOutput();
          String[] lines = readToEnd(ch).split("\r\n");
          assertEquals(3, lines.length, "session " + i + ": " + String.join(" | ", lines));
          assertTrue(JSON.readTree(lines[0]).has("QMP"));
          assertEquals(JSON.readTree("{\"return\": {}}"), JSON.readTree(lines[1]));
          assertEquals("running", JSON.readTree(lines[2]).at("/return/status").asText());
        }
      }
    }
  }

  @Test
  void serialClientsBeyondTheLimitAreRefusedWithAReason() throws Exception {
    List<SocketChannel> idle = new ArrayList<>();
    try (GuestRun run = GuestRun.start("uart_echo")) {
      Path socket = dir.resolve("serial.sock");
      new SerialServer(run.machine, socket);
      try {
        for (int i = 0; i < SerialServer.MAX_CLIENTS; i++) {
          idle.add(connect(socket));
        }
        for (int i = 0; i < 100; i++) {
          try (SocketChannel extra = connect(socket)) {
            String said = readToEnd(extra);
            assertTrue(said.contains("too many serial clients"), said);
          }
        }
        assertTrue(
            threadsNamed("berth-serial-" + run.machine.config().name())
                <= 2L * SerialServer.MAX_CLIENTS + 1,
            threadsNamed("berth-serial-" + run.machine.config().name()) + " serial threads");
      } finally {
        for (SocketChannel ch : idle) {
          ch.close();
        }
      }
    }
  }

  @Test
  void aSerialClientThatHalfClosesStillSeesTheGuestsAnswer() throws Exception {
    try (GuestRun run = GuestRun.start("uart_echo")) {
      run.awaitConsole("echo ready");
      Path socket = dir.resolve("serial.sock");
      new SerialServer(run.machine, socket);
      for (char c : "abc".toCharArray()) {
        try (SocketChannel ch = connect(socket)) {
          ch.write(ByteBuffer.wrap(new byte[] {(byte) c}));
          ch.shutdownOutput();
          long start = System.nanoTime();
          String said = readToEnd(ch); // ends when the server's linger runs out
          assertTrue(said.contains("got: " + c), "after a half-close: '" + said + "'");
          assertTrue(
              System.nanoTime() - start < Outbox.LINGER.toNanos() + 5_000_000_000L,
              "the connection closed after the linger");
        }
      }
    }
  }
}
