package dev.berth.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent client's stream handling against a scripted peer that behaves as qemu-ga 7.2 does (real
 * agents are in the QEMU backend tests): the stray-byte error after 0xFF, stale replies, silence
 * and the reply-less shutdown.
 */
class QgaClientTest {
  private Path dir;
  private Path socket;
  private ServerSocketChannel server;

  @BeforeEach
  void listen() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "qg");
    socket = dir.resolve("qga.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }

  private void peer(Consumer<SocketChannel> script) {
    CompletableFuture.runAsync(
        () -> {
          try (SocketChannel ch = server.accept()) {
            script.accept(ch);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static void send(SocketChannel ch, byte[] b) {
    try {
      ch.write(ByteBuffer.wrap(b));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void send(SocketChannel ch, String s) {
    send(ch, s.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads one request line, dropping a leading 0xFF. */
  private static String readLine(SocketChannel ch) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    try {
      while (ch.read(one.clear()) > 0) {
        int b = one.get(0) & 0xFF;
        if (b == '\n') {
          break;
        }
        if (b != 0xFF) {
          line.write(b);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Answers a guest-sync-delimited as qemu-ga does, after its complaint about the 0xFF byte. */
  private static void answerSync(SocketChannel ch, String staleFirst) {
    String req = readLine(ch);
    String id = req.replaceAll(".*\"id\":(\\d+).*", "$1");
    send(ch, staleFirst);
    send(
        ch,
        "{\"error\":{\"class\":\"GenericError\",\"desc\":\"JSON parse error, stray '\\uFFFD'\"}}\n");
    send(ch, new byte[] {(byte) 0xFF});
    send(ch, "{\"return\": " + id + "}\n");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // the peer plays a silent agent
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void syncDropsStaleRepliesAndTheStrayByteError() throws Exception {
    peer(
        ch -> {
          answerSync(ch, "{\"return\":{\"stale\":true}}\n");
          readLine(ch);
          send(ch, "{\"return\":{\"version\":\"7.2.22\",\"supported_commands\":[]}}\n");
          pause(300);
        });
    try (QgaClient qga = new QgaClient(socket, 2000)) {
      assertEquals("7.2.22", qga.info().path("version").asText());
    }
  }

  @Test
  void shutdownAcceptedWithoutAReply() throws Exception {
    peer(
        ch -> {
          answerSync(ch, "");
          readLine(ch);
          pause(1500);
        });
    try (QgaClient qga = new QgaClient(socket, 2000)) {
      qga.sync();
      long t0 = System.nanoTime();
      qga.shutdown("powerdown", 300);
      assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
    }
  }

  @Test
  void shutdownErrorIsReported() throws Exception {
    peer(
        ch -> {
          answerSync(ch, "");
          readLine(ch);
          send(ch, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"shutdown failed\"}}\n");
          pause(300);
        });
    try (QgaClient qga = new QgaClient(socket, 2000)) {
      QgaClient.QgaException e =
          assertThrows(QgaClient.QgaException.class, () -> qga.shutdown("powerdown", 1000));
      assertEquals("shutdown failed", e.getMessage());
    }
  }

  @Test
  void aSilentAgentTimesOutAndPingSaysNo() throws Exception {
    peer(ch -> pause(1500));
    try (QgaClient qga = new QgaClient(socket, 300)) {
      IOException e = assertThrows(IOException.class, qga::sync);
      assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
      assertFalse(qga.ping());
    }
  }

  @Test
  void noAgentChannelIsOneLine() {
    IOException e =
        assertThrows(IOException.class, () -> new QgaClient(dir.resolve("none.sock"), 300));
    assertTrue(e.getMessage().contains("no agent channel"), e.getMessage());
  }
}
