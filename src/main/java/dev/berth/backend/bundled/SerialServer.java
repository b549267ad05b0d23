package dev.berth.backend.bundled;

import dev.berth.core.dev.SerialSink;
import dev.berth.core.machine.Machine;
import dev.berth.event.MachineListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The serial console on a unix socket ({@code serial.sock}), as QEMU's socket chardev offers it:
 * every client sees the guest's output from the moment it connects, and what it sends is typed into
 * the guest. A client that stops reading is dropped, never waited for.
 */
public final class SerialServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SerialServer.class.getName());
  private static final byte[] END = new byte[0];

  private final Machine machine;
  private final Path socket;
  private final ServerSocketChannel server;
  private volatile boolean closed;
  private final java.util.List<Client> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

  public SerialServer(Machine machine, Path socket) throws IOException {
    this.machine = machine;
    this.socket = socket;
    server = dev.berth.vm.VmSockets.bindPrivate(socket);
    machine.addListener(MachineListener.atExit(this::close));
    Thread t = new Thread(this::accept, "berth-serial-" + machine.config().name());
    t.setDaemon(true);
    t.start();
  }

  private void accept() {
    while (!closed) {
      try {
        new Client(server.accept());
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** The machine is gone: every client's connection closes after what is queued. */
  @Override
  public void close() {
    closed = true;
    for (Client c : clients) {
      c.finish();
    }
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + socket, e);
    }
  }

  private final class Client implements SerialSink {
    private final SocketChannel ch;
    private final BlockingQueue<byte[]> out = new ArrayBlockingQueue<>(4096);

    Client(SocketChannel ch) {
      this.ch = ch;
      clients.add(this);
      machine.addSerialTap(this);
      start("in", this::read);
      start("out", this::write);
    }

    private void start(String what, Runnable r) {
      Thread t = new Thread(r, "berth-serial-" + machine.config().name() + "-" + what);
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (!out.offer(java.util.Arrays.copyOfRange(b, off, off + len))) {
        drop();
      }
    }

    private void drop() {
      machine.removeSerialTap(this);
      clients.remove(this);
      out.clear();
      out.offer(END);
    }

    void finish() {
      machine.removeSerialTap(this);
      clients.remove(this);
      if (!out.offer(END)) {
        drop();
      }
    }

    private void read() {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      try {
        while (ch.read(buf) > 0) {
          buf.flip();
          byte[] b = new byte[buf.remaining()];
          buf.get(b);
          buf.clear();
          int off = 0;
          while (off < b.length) {
            int n = machine.sendSerial(b, off, b.length - off);
            off += n;
            if (n == 0) {
              Thread.sleep(1); // the guest is not reading: wait for room
            }
          }
        }
      } catch (IOException e) {
        // client gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        drop();
      }
    }

    private void write() {
      try (ch) {
        while (true) {
          byte[] b = out.take();
          if (b == END) {
            return;
          }
          ByteBuffer buf = ByteBuffer.wrap(b);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
      } catch (IOException e) {
        drop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
