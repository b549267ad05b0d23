package dev.berth.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The QMP client against a misbehaving peer (a scripted socket; real QEMU is in the QEMU backend
 * tests): every failure ends in an IOException within the timeout, never a blocked thread.
 */
class QmpClientTest {
  private static final String GREETING =
      "{\"QMP\":{\"version\":{\"qemu\":{\"major\":7,\"minor\":2,\"micro\":0}},\"capabilities\":[]}}\r\n";
  private Path dir;
  private Path socket;
  private ServerSocketChannel server;

  @BeforeEach
  void listen() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "qc");
    socket = dir.resolve("qmp.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }

  /** Runs {@code script} for the one client that connects. */
  private CompletableFuture<Void> peer(Consumer<SocketChannel> script) {
    return CompletableFuture.runAsync(
        () -> {
          try (SocketChannel ch = server.accept()) {
            script.accept(ch);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static void send(SocketChannel ch, String text) {
    try {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String readLine(SocketChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    try {
      while (ch.read(one.clear()) > 0) {
        char c = (char) one.get(0);
        if (c == '\n') {
          return sb.toString();
        }
        sb.append(c);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sb.toString();
  }

  private static String idOf(String request) {
    return request.replaceAll(".*\"id\":(\\d+).*", "$1");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // the peer plays a slow or hung QEMU
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void garbageAndPartialLinesAreSkippedAndEventsKeepTheirOrder() throws Exception {
    peer(
        ch -> {
          send(ch, GREETING);
          send(ch, "{\"return\":{},\"id\":" + idOf(readLine(ch)) + "}\r\n");
          String cmd = readLine(ch);
          String id = cmd.replaceAll(".*\"id\":(\\d+).*", "$1");
          send(ch, "this is not json\r\n{\"event\":\"STOP\",\"timestamp\":{\"seconds\":1,");
          send(ch, "\"microseconds\":2}}\r\n\u0000\u0001garbage\r\n");
          send(ch, "{\"event\":\"RESUME\",\"timestamp\":{\"seconds\":1,\"microseconds\":3}}\r\n");
          send(ch, "{\"return\":{\"status\":\"running\"},\"id\":" + id + "}\r\n");
          pause(500);
        });
    try (QmpClient qmp = new QmpClient(socket, 2000)) {
      assertEquals("running", qmp.execute("query-status", null).path("status").asText());
      assertEquals("STOP", qmp.nextEvent(1000).path("event").asText());
      assertEquals("RESUME", qmp.nextEvent(1000).path("event").asText());
    }
  }

  @Test
  void eofInTheMiddleOfALineIsAClearError() throws Exception {
    peer(
        ch -> {
          send(ch, GREETING);
          send(ch, "{\"return\":{},\"id\":" + idOf(readLine(ch)) + "}\r\n");
          readLine(ch);
          send(ch, "{\"return\":{\"sta");
        });
    try (QmpClient qmp = new QmpClient(socket, 2000)) {
      IOException e = assertThrows(IOException.class, () -> qmp.execute("query-status", null));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      assertThrows(IOException.class, () -> qmp.nextEvent(100));
    }
  }

  @Test
  void aHungPeerTimesOut() throws Exception {
    peer(
        ch -> {
          send(ch, GREETING);
          send(ch, "{\"return\":{},\"id\":" + idOf(readLine(ch)) + "}\r\n");
          readLine(ch);
          pause(2000);
        });
    try (QmpClient qmp = new QmpClient(socket, 300)) {
      long t0 = System.nanoTime();
      IOException e = assertThrows(IOException.class, () -> qmp.execute("query-status", null));
      assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
    }
  }

  @Test
  void aPeerThatIsNotQmpIsRefused() {
    peer(ch -> send(ch, "SSH-2.0-OpenSSH_9.2\r\n{\"hello\":1}\r\n"));
    IOException e = assertThrows(IOException.class, () -> new QmpClient(socket, 1000));
    assertTrue(e.getMessage().contains("not a QMP server"), e.getMessage());
  }

  @Test
  void anErrorReplyCarriesQemusClass() throws Exception {
    peer(
        ch -> {
          send(ch, GREETING);
          send(ch, "{\"return\":{},\"id\":" + idOf(readLine(ch)) + "}\r\n");
          String id = readLine(ch).replaceAll(".*\"id\":(\\d+).*", "$1");
          send(
              ch,
              "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command nope has not been"
                  + " found\"},\"id\":"
                  + id
                  + "}\r\n");
          pause(300);
        });
    try (QmpClient qmp = new QmpClient(socket, 2000)) {
      QmpClient.QmpException e =
          assertThrows(QmpClient.QmpException.class, () -> qmp.execute("nope", null));
      assertEquals("CommandNotFound", e.errorClass());
    }
  }
}
