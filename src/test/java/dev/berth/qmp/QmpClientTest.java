package dev.berth.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.qapi.ScriptedPeer;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
  private ScriptedPeer peer;
  private Path socket;

  @BeforeEach
  void listen() throws IOException {
    peer = new ScriptedPeer("qmp.sock");
    socket = peer.socket();
  }

  @AfterEach
  void close() throws IOException {
    peer.close();
  }

  /** The greeting, and the reply to qmp_capabilities with the client's id, as QEMU sends them. */
  private static void negotiate(SocketChannel ch) {
    ScriptedPeer.send(ch, GREETING);
    ScriptedPeer.send(
        ch, "{\"return\":{},\"id\":" + ScriptedPeer.idOf(ScriptedPeer.readLine(ch)) + "}\r\n");
  }

  @Test
  void garbageAndPartialLinesAreSkippedAndEventsKeepTheirOrder() throws Exception {
    peer.play(
        ch -> {
          negotiate(ch);
          String cmd = ScriptedPeer.readLine(ch);
          String id = cmd.replaceAll(".*\"id\":(\\d+).*", "$1");
          ScriptedPeer.send(
              ch, "this is not json\r\n{\"event\":\"STOP\",\"timestamp\":{\"seconds\":1,");
          ScriptedPeer.send(ch, "\"microseconds\":2}}\r\n\u0000\u0001garbage\r\n");
          ScriptedPeer.send(
              ch, "{\"event\":\"RESUME\",\"timestamp\":{\"seconds\":1,\"microseconds\":3}}\r\n");
          ScriptedPeer.send(ch, "{\"return\":{\"status\":\"running\"},\"id\":" + id + "}\r\n");
          ScriptedPeer.pause(500);
        });
    try (QmpClient qmp = new QmpClient(socket, 2000)) {
      assertEquals("running", qmp.execute("query-status", null).path("status").asText());
      assertEquals("STOP", qmp.nextEvent(1000).path("event").asText());
      assertEquals("RESUME", qmp.nextEvent(1000).path("event").asText());
    }
  }

  @Test
  void eofInTheMiddleOfALineIsAClearError() throws Exception {
    peer.play(
        ch -> {
          negotiate(ch);
          ScriptedPeer.readLine(ch);
          ScriptedPeer.send(ch, "{\"return\":{\"sta");
        });
    try (QmpClient qmp = new QmpClient(socket, 2000)) {
      IOException e = assertThrows(IOException.class, () -> qmp.execute("query-status", null));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      assertThrows(IOException.class, () -> qmp.nextEvent(100));
    }
  }

  @Test
  void aHungPeerTimesOut() throws Exception {
    peer.play(
        ch -> {
          negotiate(ch);
          ScriptedPeer.readLine(ch);
          ScriptedPeer.pause(2000);
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
    peer.play(ch -> ScriptedPeer.send(ch, "SSH-2.0-OpenSSH_9.2\r\n{\"hello\":1}\r\n"));
    IOException e = assertThrows(IOException.class, () -> new QmpClient(socket, 1000));
    assertTrue(e.getMessage().contains("not a QMP server"), e.getMessage());
  }

  @Test
  void anErrorReplyCarriesQemusClass() throws Exception {
    peer.play(
        ch -> {
          negotiate(ch);
          String id = ScriptedPeer.readLine(ch).replaceAll(".*\"id\":(\\d+).*", "$1");
          ScriptedPeer.send(
              ch,
              "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command nope has not been"
                  + " found\"},\"id\":"
                  + id
                  + "}\r\n");
          ScriptedPeer.pause(300);
        });
    try (QmpClient qmp = new QmpClient(socket, 2000)) {
      dev.berth.qapi.QapiError e =
          assertThrows(dev.berth.qapi.QapiError.class, () -> qmp.execute("nope", null));
      assertEquals("CommandNotFound", e.errorClass());
    }
  }
}
