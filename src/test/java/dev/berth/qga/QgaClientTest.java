package dev.berth.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.qapi.ScriptedPeer;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent client's stream handling against a scripted peer that behaves as qemu-ga 7.2 does (real
 * agents are in the QEMU backend tests): the stray-byte error after 0xFF, stale replies, silence
 * and the reply-less shutdown.
 */
class QgaClientTest {
  private ScriptedPeer peer;
  private Path socket;

  @BeforeEach
  void listen() throws IOException {
    peer = new ScriptedPeer("qga.sock");
    socket = peer.socket();
  }

  @AfterEach
  void close() throws IOException {
    peer.close();
  }

  /** Answers a guest-sync-delimited as qemu-ga does, after its complaint about the 0xFF byte. */
  private static void answerSync(SocketChannel ch, String staleFirst) {
    String id = ScriptedPeer.idOf(ScriptedPeer.readLine(ch));
    ScriptedPeer.send(ch, staleFirst);
    ScriptedPeer.send(
        ch,
        "{\"error\":{\"class\":\"GenericError\",\"desc\":\"JSON parse error, stray '\\uFFFD'\"}}\n");
    ScriptedPeer.send(ch, new byte[] {(byte) 0xFF});
    ScriptedPeer.send(ch, "{\"return\": " + id + "}\n");
  }

  @Test
  void syncDropsStaleRepliesAndTheStrayByteError() throws Exception {
    peer.play(
        ch -> {
          answerSync(ch, "{\"return\":{\"stale\":true}}\n");
          ScriptedPeer.readLine(ch);
          ScriptedPeer.send(
              ch, "{\"return\":{\"version\":\"7.2.22\",\"supported_commands\":[]}}\n");
          ScriptedPeer.pause(300);
        });
    try (QgaClient qga = new QgaClient(socket, 2000)) {
      assertEquals("7.2.22", qga.info().path("version").asText());
    }
  }

  @Test
  void shutdownAcceptedWithoutAReply() throws Exception {
    peer.play(
        ch -> {
          answerSync(ch, "");
          ScriptedPeer.readLine(ch);
          ScriptedPeer.pause(1500);
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
    peer.play(
        ch -> {
          answerSync(ch, "");
          ScriptedPeer.readLine(ch);
          ScriptedPeer.send(
              ch, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"shutdown failed\"}}\n");
          ScriptedPeer.pause(300);
        });
    try (QgaClient qga = new QgaClient(socket, 2000)) {
      dev.berth.qapi.QapiError e =
          assertThrows(dev.berth.qapi.QapiError.class, () -> qga.shutdown("powerdown", 1000));
      assertEquals("shutdown failed", e.getMessage());
    }
  }

  @Test
  void aSilentAgentTimesOutAndPingSaysNo() throws Exception {
    peer.play(ch -> ScriptedPeer.pause(1500));
    try (QgaClient qga = new QgaClient(socket, 300)) {
      IOException e = assertThrows(IOException.class, qga::sync);
      assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
      assertFalse(qga.ping());
    }
  }

  @Test
  void noAgentChannelIsOneLine() {
    IOException e =
        assertThrows(IOException.class, () -> new QgaClient(peer.dir().resolve("none.sock"), 300));
    assertTrue(e.getMessage().contains("no agent channel"), e.getMessage());
  }
}
