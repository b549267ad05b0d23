package dev.berth.backend.bundled;

import dev.berth.core.dev.SerialSink;
import dev.berth.core.machine.Machine;
import dev.berth.event.MachineListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The serial console on a unix socket ({@code serial.sock}), as QEMU's socket chardev offers it:
 * every client sees the guest's output from the moment it connects, and what it sends is typed into
 * the guest. A client that stops reading is dropped, never waited for; at most {@link #MAX_CLIENTS}
 * are served at a time.
 */
public final class SerialServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SerialServer.class.getName());

  /** Clients at a time (two threads each); more are told so and closed. */
  static final int MAX_CLIENTS = 16;

  private final Machine machine;
  private final Path socket;
  private final ServerSocketChannel server;
  private volatile boolean closed;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final ClientSlots slots =
      new ClientSlots(
          MAX_CLIENTS,
          ("berth: too many serial clients (" + MAX_CLIENTS + " connected); try again later\r\n")
              .getBytes(StandardCharsets.UTF_8));

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
        SocketChannel ch = server.accept();
        if (slots.admit(ch)) {
          new Client(ch);
        }
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
    private final Outbox out;

    Client(SocketChannel ch) {
      this.ch = ch;
      String name = "berth-serial-" + machine.config().name();
      this.out =
          new Outbox(
              ch,
              4096,
              name + "-out",
              () -> {
                machine.removeSerialTap(this);
                clients.remove(this);
                slots.release();
              });
      clients.add(this);
      machine.addSerialTap(this);
      Thread reader = new Thread(this::read, name + "-in");
      reader.setDaemon(true);
      reader.start();
    }

    @Override
    public void write(byte[] b, int off, int len) {
      out.offer(Arrays.copyOfRange(b, off, off + len));
    }

    void finish() {
      machine.removeSerialTap(this);
      out.finish();
    }

    /**
     * Types what the client sends into the guest. After a half-close the guest's answer still
     * reaches the client, for as long as {@link Outbox#inputEnded()} says.
     */
    private void read() {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      try {
        while (ch.read(buf) > 0) {
          out.inputArrived();
          buf.flip();
          while (buf.hasRemaining()) {
            int n = machine.sendSerial(buf.array(), buf.position(), buf.remaining());
            buf.position(buf.position() + n);
            if (n == 0) {
              Thread.sleep(1); // the guest is not reading: wait for room
            }
          }
          buf.clear();
        }
        out.inputEnded();
      } catch (IOException e) {
        out.drop(); // client gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.drop();
      }
    }
  }
}
