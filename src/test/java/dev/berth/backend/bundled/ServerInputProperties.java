package dev.berth.backend.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.Fuzz;
import dev.berth.Gen;
import dev.berth.core.GuestRun;
import dev.berth.core.virtio.HostPort;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever a client sends the bundled core's sockets, the server keeps serving: after any input on
 * QMP a command on its own line is still answered, on the same connection; after any bytes on
 * serial the guest still echoes; after any bytes on the agent socket the next client still gets the
 * port. One machine serves every try.
 */
class ServerInputProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path dir;
  private static GuestRun qmpGuest;
  private static GuestRun echoGuest;
  private static QmpServer qmp;
  private static Path serial;
  private static Path agent;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "bfz");
    qmpGuest = GuestRun.start("pm_ignore");
    qmp = new QmpServer(qmpGuest.machine, dir.resolve("qmp.sock"), "0.1.0");
    agent = dir.resolve("qga.sock");
    new AgentServer(qmpGuest.machine, agent);
    echoGuest = GuestRun.start("uart_echo");
    echoGuest.awaitConsole("echo ready");
    serial = dir.resolve("serial.sock");
    new SerialServer(echoGuest.machine, serial);
  }

  @AfterAll
  static void stop() throws IOException {
    qmpGuest.close();
    echoGuest.close();
    dev.berth.vm.FileTrees.delete(dir);
  }

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  private static final List<String> QMP_TOKENS =
      Gen.jsonTokens(
          "\"execute\"",
          "\"arguments\"",
          "\"id\"",
          "\"query-status\"",
          "\"qmp_capabilities\"",
          "\"query-version\"",
          "\"human-monitor-command\"",
          "\"command-line\"",
          "\"info status\"",
          "\"stop\"",
          "\"cont\"",
          "\n",
          "\r\n",
          "[".repeat(70));

  /** QMP-shaped noise: up to 60 pieces of commands and JSON glued at random, or raw bytes. */
  static byte[] qmpInput(Random r) {
    return r.nextBoolean()
        ? Gen.glue(r, QMP_TOKENS, 60).getBytes(StandardCharsets.UTF_8)
        : Gen.bytes(r, 600);
  }

  @Test
  void qmpAnswersACommandAfterAnyInput() {
    Fuzz.check(
        "qmpAnswersACommandAfterAnyInput",
        Fuzz.TRIES,
        ServerInputProperties::qmpInput,
        input -> {
          try (QmpServerTest.RawClient c = new QmpServerTest.RawClient(qmp.socket())) {
            c.read();
            c.execute("{\"execute\":\"qmp_capabilities\"}");
            c.ch.write(ByteBuffer.wrap(input));
            c.sendRaw("\n{\"execute\":\"query-status\",\"id\":\"probe\"}\n");
            while (true) {
              JsonNode reply = c.read();
              if (reply == null) {
                throw new AssertionError("the server closed the session");
              }
              if (reply.path("id").asText("").equals("probe")) {
                if (!reply.at("/return/status").isTextual()) {
                  throw new AssertionError("probe not answered: " + reply);
                }
                return;
              }
            }
          }
        });
  }

  /** Up to 200 bytes for the serial console, then a probe letter it must echo. */
  record SerialInput(byte[] bytes, char probe) {
    /** Any bytes but 'q', which tells the echo guest to power off; a probe in A-Z. */
    static SerialInput generate(Random r) {
      byte[] b = Gen.bytes(r, 200);
      for (int i = 0; i < b.length; i++) {
        while (b[i] == 'q') {
          b[i] = (byte) r.nextInt(256);
        }
      }
      return new SerialInput(b, (char) Gen.between(r, 'A', 'Z'));
    }

    @Override
    public String toString() {
      return Fuzz.describe(bytes) + ", then probe " + probe;
    }
  }

  @Test
  void theSerialConsoleStillEchoesAfterAnyBytes() {
    Fuzz.check(
        "theSerialConsoleStillEchoesAfterAnyBytes",
        Fuzz.TRIES,
        SerialInput::generate,
        input -> {
          try (SocketChannel ch = connect(serial)) {
            ch.write(ByteBuffer.wrap(input.bytes()));
            String echo = "got: " + input.probe() + "\n";
            int before = echoGuest.consoleCount(echo);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) input.probe()}));
            echoGuest.awaitConsole(echo, before + 1);
          }
        });
  }

  /** Three tries, whatever -Dfuzz.tries says: each waits out a 2 s linger, its bytes unanswered. */
  @Test
  void theAgentSocketServesTheNextClientAfterAnyBytes() {
    Fuzz.check(
        "theAgentSocketServesTheNextClientAfterAnyBytes",
        3,
        r -> Gen.listOf(r, 0, 4, x -> Gen.bytes(x, 100)),
        chunks -> {
          HostPort port = qmpGuest.machine.agentPort();
          try (SocketChannel ch = connect(agent)) {
            qmpGuest.await(port::isHostConnected, "the client has the port");
            for (byte[] chunk : chunks) {
              ch.write(ByteBuffer.wrap(chunk));
            }
          }
          qmpGuest.await(() -> !port.isHostConnected(), "the port is free again");
        });
  }
}
