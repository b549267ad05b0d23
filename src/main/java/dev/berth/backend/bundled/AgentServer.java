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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The guest-agent channel on a unix socket ({@code qga.sock}), as QEMU's {@code -chardev
 * socket,server=on} behind a {@code virtserialport}: one client at a time is connected to the
 * guest's {@code org.qemu.guest_agent.0} port, and the guest sees the port open while it is; a
 * second client waits until the first leaves.
 */
public final class AgentServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AgentServer.class.getName());
  private static final byte[] END = new byte[0];

  private final HostPort port;
  private final Path socket;
  private final ServerSocketChannel server;
  private final String name;
  private volatile boolean closed;
  private volatile SocketChannel client;

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
        client = ch;
        serve(ch);
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.DEBUG, "agent client on " + socket, e);
        }
      } finally {
        client = null;
      }
    }
  }

  /** Connects {@code ch} to the port until either side goes away. */
  private void serve(SocketChannel ch) throws IOException {
    BlockingQueue<byte[]> toClient = new ArrayBlockingQueue<>(4096);
    Thread writer = new Thread(() -> write(ch, toClient), "berth-qga-" + name + "-out");
    writer.setDaemon(true);
    writer.start();
    port.connect(
        (b, off, len) -> {
          if (!toClient.offer(Arrays.copyOfRange(b, off, off + len))) {
            LOG.log(System.Logger.Level.WARNING, "agent client is not reading; disconnecting it");
            closeQuietly(ch);
          }
        });
    try {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (!closed && ch.read(buf) > 0) {
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      port.disconnect();
      toClient.clear();
      toClient.offer(END);
    }
  }

  private static void write(SocketChannel ch, BlockingQueue<byte[]> queue) {
    try {
      for (byte[] b = queue.take(); b != END; b = queue.take()) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    } catch (IOException e) {
      closeQuietly(ch); // the client is gone: the reader sees it and disconnects the port
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing an agent client", e);
    }
  }

  /** The machine is gone: the client is disconnected and the socket removed. */
  @Override
  public void close() {
    closed = true;
    SocketChannel ch = client;
    if (ch != null) {
      closeQuietly(ch);
    }
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + socket, e);
    }
  }
}
