package dev.berth.backend.bundled;

import dev.berth.core.machine.Machine;
import dev.berth.core.virtio.HostPort;
import dev.berth.event.MachineListener;
import dev.berth.vm.VmSockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The guest-agent channel on a unix socket ({@code qga.sock}), as QEMU's {@code -chardev
 * socket,server=on} behind a {@code virtserialport}: one client at a time is connected to the
 * guest's {@code org.qemu.guest_agent.0} port, and the guest sees the port open while it is; a
 * second client waits until the first leaves (in the kernel's backlog: it costs Berth nothing).
 */
public final class AgentServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AgentServer.class.getName());

  private final HostPort port;
  private final Path socket;
  private final ServerSocketChannel server;
  private final String name;
  private volatile boolean closed;
  private volatile Outbox current;

  public AgentServer(Machine machine, Path socket) throws IOException {
    this.port = machine.agentPort();
    if (port == null) {
      throw new IllegalArgumentException("the machine has no agent channel");
    }
    this.socket = socket;
    this.name = machine.config().name();
    this.server = VmSockets.bindPrivate(socket);
    machine.addListener(MachineListener.atExit(this::close));
    Thread t = new Thread(this::accept, "berth-qga-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void accept() {
    while (!closed) {
      try (SocketChannel ch = server.accept()) {
        serve(ch);
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.DEBUG, "agent client on " + socket, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        current = null;
      }
    }
  }

  /**
   * Connects {@code ch} to the port until either side goes away. After a half-close the guest's
   * reply still reaches the client (see {@link Outbox#inputEnded()}); the next client waits until
   * this one is closed.
   */
  private void serve(SocketChannel ch) throws IOException, InterruptedException {
    CountDownLatch gone = new CountDownLatch(1);
    Outbox out =
        new Outbox(
            ch,
            4096,
            "berth-qga-" + name + "-out",
            () -> {
              port.disconnect();
              gone.countDown();
            });
    current = out;
    port.connect((b, off, len) -> out.offer(Arrays.copyOfRange(b, off, off + len)));
    try {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (!closed && ch.read(buf) > 0) {
        out.inputArrived();
        buf.flip();
        while (buf.hasRemaining() && !closed) {
          int n = port.send(buf.array(), buf.position(), buf.remaining());
          buf.position(buf.position() + n);
          if (n == 0) {
            Thread.sleep(1); // the guest is not reading: wait for room
          }
        }
        buf.clear();
      }
      out.inputEnded();
    } catch (IOException | InterruptedException e) {
      out.drop();
      throw e;
    }
    gone.await();
  }

  /** The machine is gone: the client is disconnected and the socket removed. */
  @Override
  public void close() {
    closed = true;
    Outbox out = current;
    if (out != null) {
      out.drop();
    }
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + socket, e);
    }
  }
}
