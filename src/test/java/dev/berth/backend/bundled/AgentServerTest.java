package dev.berth.backend.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.berth.core.GuestRun;
import dev.berth.core.Guests;
import dev.berth.core.machine.MachineConfig;
import dev.berth.core.virtio.HostPort;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qga.sock as QEMU's server chardev: private, a client holds the agent port open on the host side
 * while it is connected, and the socket goes with the machine. (The guest side of the conversation
 * is in LinuxGuestBundledTest.)
 */
class AgentServerTest {
  @TempDir Path dir;

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  @Test
  void oneClientAtATimeHoldsThePortOpen() throws Exception {
    Path socket = dir.resolve("qga.sock");
    try (GuestRun run = new GuestRun(MachineConfig.of("hello", Guests.image("hello")))) {
      HostPort port = run.machine.agentPort();
      new AgentServer(run.machine, socket);
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      assertFalse(port.isHostConnected(), "no client: the port is closed on the host side");

      SocketChannel first = connect(socket);
      run.await(port::isHostConnected, "the first client connected");
      first.close();
      run.await(() -> !port.isHostConnected(), "the first client left");
      SocketChannel second = connect(socket);
      run.await(port::isHostConnected, "the next client connected");

      run.machine.start();
      run.awaitExit();
      run.await(() -> !Files.exists(socket), "the socket removed when the machine stopped");
      assertEquals(-1, second.read(java.nio.ByteBuffer.allocate(1)), "the client was closed");
      assertFalse(port.isHostConnected());
    }
  }
}
