package dev.berth.backend.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.Fuzz;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

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

  @BeforeContainer
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

  @AfterContainer
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

  /** QMP-shaped noise: pieces of commands and JSON glued at random, and raw bytes. */
  @Provide
  Arbitrary<byte[]> qmpInput() {
    Arbitrary<String> tokens =
        Fuzz.jsonTokens(
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
    Arbitrary<byte[]> glued =
        tokens.list().ofMaxSize(60).map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(glued, Arbitraries.bytes().array(byte[].class).ofMaxSize(600));
  }

  @Property(seed = Fuzz.SEED)
  void qmpAnswersACommandAfterAnyInput(@ForAll("qmpInput") byte[] input) throws IOException {
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
  }

  @Property(seed = Fuzz.SEED)
  void theSerialConsoleStillEchoesAfterAnyBytes(
      @ForAll("serialBytes") byte[] input, @ForAll("probes") char probe) throws Exception {
    try (SocketChannel ch = connect(serial)) {
      ch.write(ByteBuffer.wrap(input));
      int before = echoGuest.consoleCount("got: " + probe + "\n");
      ch.write(ByteBuffer.wrap(new byte[] {(byte) probe}));
      echoGuest.awaitConsole("got: " + probe + "\n", before + 1);
    }
  }

  /** Any bytes but 'q', which tells the echo guest to power off. */
  @Provide
  Arbitrary<byte[]> serialBytes() {
    return Arbitraries.bytes().filter(b -> b != 'q').array(byte[].class).ofMaxSize(200);
  }

  @Provide
  Arbitrary<Character> probes() {
    return Arbitraries.chars().range('A', 'Z');
  }

  @Property(seed = Fuzz.SEED, tries = 3) // each try waits out a 2 s linger: its bytes go unanswered
  void theAgentSocketServesTheNextClientAfterAnyBytes(@ForAll("agentBytes") List<byte[]> chunks)
      throws Exception {
    HostPort port = qmpGuest.machine.agentPort();
    try (SocketChannel ch = connect(agent)) {
      qmpGuest.await(port::isHostConnected, "the client has the port");
      for (byte[] chunk : chunks) {
        ch.write(ByteBuffer.wrap(chunk));
      }
    }
    qmpGuest.await(() -> !port.isHostConnected(), "the port is free again");
  }

  @Provide
  Arbitrary<List<byte[]>> agentBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(100).list().ofMaxSize(4);
  }
}
