package dev.berth.backend.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.core.machine.Machine;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.qmp.QmpJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * QMP for a bundled-core machine, on a unix socket: QEMU's greeting, capabilities negotiation, the
 * commands of {@link QmpCommands}, and the machine's events to every client, in QEMU's wire format.
 * One JSON object per line in; replies and events one per line out. Bad input gets a QMP error and
 * the session goes on; a client that stops reading is dropped, never waited for.
 */
public final class QmpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(QmpServer.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lines a client may fall behind by before it is dropped. */
  private static final int CLIENT_BACKLOG = 4096;

  private final Machine machine;
  private final Path socket;
  private final ServerSocketChannel server;
  private final QmpCommands commands;
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  /** Binds {@code socket} (mode 0600; its directory must exist) and starts serving. */
  public QmpServer(Machine machine, Path socket, String version) throws IOException {
    this.machine = machine;
    this.socket = socket;
    this.commands = new QmpCommands(machine, version);
    this.server = dev.berth.vm.VmSockets.bindPrivate(socket);
    machine.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            String line = QmpJson.eventLine(e);
            for (Session s : sessions) {
              s.event(line);
            }
          }

          @Override
          public void onExit(MachineExit exit) {
            close();
          }
        });
    this.acceptor = new Thread(this::accept, "berth-qmp-" + machine.config().name());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public Path socket() {
    return socket;
  }

  private void accept() {
    while (!closed) {
      try {
        SocketChannel ch = server.accept();
        Session s = new Session(ch);
        sessions.add(s);
        s.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "QMP accept failed on " + socket, e);
        }
        return;
      }
    }
  }

  /** Stops serving: clients see the socket close, as when QEMU exits. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + socket, e);
    }
    for (Session s : sessions) {
      s.finish();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "removing " + socket, e);
    }
  }

  /** One client: a reader thread for commands and a writer thread for replies and events. */
  private final class Session {
    private static final String END = "\u0000end";
    private final SocketChannel channel;
    private final BlockingQueue<String> out = new ArrayBlockingQueue<>(CLIENT_BACKLOG);
    private volatile boolean negotiated;

    Session(SocketChannel channel) {
      this.channel = channel;
    }

    void start() {
      send(QmpCommands.greeting(commands.version()));
      Thread reader = new Thread(this::read, acceptor.getName() + "-in");
      Thread writer = new Thread(this::write, acceptor.getName() + "-out");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    /**
     * Holding the session's lock orders an event after the reply of the command that caused it, as
     * QEMU does; a command only posts requests, so the worker waits microseconds.
     */
    synchronized void event(String line) {
      if (negotiated) {
        send(line);
      }
    }

    private void send(String line) {
      if (!out.offer(line)) {
        LOG.log(System.Logger.Level.WARNING, "QMP client is not reading; dropping it");
        end();
      }
    }

    /** The machine is gone: send what is queued (its last events), then close. */
    void finish() {
      sessions.remove(this);
      if (!out.offer(END)) {
        end();
      }
    }

    /** Drops the client at once. */
    void end() {
      sessions.remove(this);
      out.clear();
      out.offer(END);
      closeChannel();
    }

    private void closeChannel() {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing a QMP client", e);
      }
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            synchronized (this) {
              send(handle(line));
            }
          }
        }
      } catch (IOException e) {
        // the client went away
      } finally {
        end();
      }
    }

    private String handle(String line) {
      JsonNode request;
      try {
        request = JSON.readTree(line);
      } catch (IOException e) {
        return QmpCommands.error(null, "GenericError", "JSON parse error, " + firstLine(e));
      }
      if (request == null || !request.isObject()) {
        return QmpCommands.error(null, "GenericError", "QMP input must be a JSON object");
      }
      JsonNode id = request.get("id");
      JsonNode execute = request.get("execute");
      if (execute == null || !execute.isTextual()) {
        return QmpCommands.error(id, "GenericError", "QMP input lacks member 'execute'");
      }
      String name = execute.asText();
      JsonNode args = request.get("arguments");
      if (args != null && !args.isObject()) {
        return QmpCommands.error(
            id, "GenericError", "QMP input member 'arguments' must be an object");
      }
      if (!negotiated) {
        if (name.equals("qmp_capabilities")) {
          negotiated = true;
          return QmpCommands.success(id, JSON.createObjectNode());
        }
        return QmpCommands.error(
            id, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
      }
      if (name.equals("qmp_capabilities")) {
        return QmpCommands.error(
            id, "CommandNotFound", "Capabilities negotiation is already complete, command ignored");
      }
      return commands.execute(id, name, args == null ? JSON.createObjectNode() : (ObjectNode) args);
    }

    /**
     * Writes with the channel itself: a stream from {@code Channels} would take the lock the
     * blocked reader holds.
     */
    private void write() {
      try {
        while (true) {
          String line = out.take();
          if (line == END) {
            closeChannel();
            return;
          }
          ByteBuffer b = ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.UTF_8));
          while (b.hasRemaining()) {
            channel.write(b);
          }
        }
      } catch (IOException e) {
        end();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
