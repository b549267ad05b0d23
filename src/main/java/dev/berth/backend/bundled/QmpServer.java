package dev.berth.backend.bundled;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.core.machine.Machine;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.qmp.QmpJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * QMP for a bundled-core machine, on a unix socket: QEMU's greeting, capabilities negotiation, the
 * commands of {@link QmpCommands}, and the machine's events to every client, in QEMU's wire format.
 * One JSON object per line in; replies and events one per line out. Bad input gets a QMP error and
 * the session goes on; a client that stops reading is dropped, never waited for.
 */
public final class QmpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(QmpServer.class.getName());

  /**
   * The longest input line. QEMU's JSON streamer allows a 64 MiB token; Berth's commands are a few
   * hundred bytes, so 1 MiB is generous and keeps a hostile client's cost to that.
   */
  static final int MAX_LINE = 1 << 20;

  /** The deepest nesting of arrays and objects (QEMU: 1024). No Berth command nests past three. */
  static final int MAX_NESTING = 64;

  /** Clients at a time (each has a reader and a writer thread); more are told so and closed. */
  static final int MAX_CLIENTS = 16;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
              .build());

  /** Longest a save may take before its client is told it did not finish. */
  private static final long SAVE_SECONDS = 600;

  /** Lines a client may fall behind by before it is dropped. */
  private static final int CLIENT_BACKLOG = 4096;

  private final Machine machine;
  private final Path socket;
  private final ServerSocketChannel server;
  private final QmpCommands commands;
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private final ClientSlots slots =
      new ClientSlots(
          MAX_CLIENTS,
          QmpCommands.error(
                  null,
                  "GenericError",
                  "too many QMP clients (" + MAX_CLIENTS + " connected); try again later")
              .concat("\r\n")
              .getBytes(StandardCharsets.UTF_8));
  private volatile boolean closed;

  /** Binds {@code socket} (mode 0600; its directory must exist) and starts serving. */
  public QmpServer(Machine machine, Path socket, String version) throws IOException {
    this(machine, socket, version, null);
  }

  /**
   * As above, with the save and snapshot commands working on the machine's files through {@code
   * files} (null: they cannot).
   */
  QmpServer(Machine machine, Path socket, String version, QmpCommands.StateOps files)
      throws IOException {
    this.machine = machine;
    this.socket = socket;
    this.commands = new QmpCommands(machine, version, files, new QmpJobs(this::broadcast));
    this.server = dev.berth.vm.VmSockets.bindPrivate(socket);
    machine.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            broadcast(e);
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

  /** An event to every client, in QEMU's wire format. */
  private void broadcast(MachineEvent e) {
    String line = QmpJson.eventLine(e);
    for (Session s : sessions) {
      s.event(line);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        SocketChannel ch = server.accept();
        if (!slots.admit(ch)) {
          continue;
        }
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

  /**
   * One client: a reader thread that parses and answers its commands in order, and an {@link
   * Outbox} for replies and events.
   */
  private final class Session {
    private final SocketChannel channel;
    private final Outbox out;
    private volatile boolean negotiated;

    Session(SocketChannel channel) {
      this.channel = channel;
      this.out =
          new Outbox(
              channel,
              CLIENT_BACKLOG,
              acceptor.getName() + "-out",
              () -> {
                sessions.remove(this);
                slots.release();
              });
    }

    void start() {
      send(QmpCommands.greeting(commands.version()));
      Thread reader = new Thread(this::read, acceptor.getName() + "-in");
      reader.setDaemon(true);
      reader.start();
    }

    /**
     * Holding the session's lock orders an event after the reply of the command that caused it, as
     * QEMU does; a command only posts requests, so the worker waits microseconds (the one that
     * waits for the machine to finish, a save, runs without the lock).
     */
    synchronized void event(String line) {
      if (negotiated) {
        send(line);
      }
    }

    private void send(String line) {
      out.offer((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The machine is gone: send what is queued (its last events), then close. */
    void finish() {
      sessions.remove(this);
      out.finish();
    }

    /**
     * Reads lines of at most {@link #MAX_LINE} bytes; a longer one is refused as soon as it is too
     * long and skipped to its end, so it never sits in memory. At the end of the input (a
     * half-close) every command read has been answered: the replies are sent, then the connection
     * closes.
     */
    private void read() {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      LineBuffer line = new LineBuffer(MAX_LINE);
      try {
        while (!out.isClosed() && channel.read(buf.clear()) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            switch (line.take(buf)) {
              case COMPLETE -> answer(line.text());
              case OVERLONG ->
                  reply(
                      QmpCommands.error(
                          null,
                          "GenericError",
                          "JSON parse error, line too long (more than "
                              + MAX_LINE
                              + " bytes); skipped to its end"));
              case PARTIAL -> {}
            }
          }
        }
        String rest = line.rest();
        if (rest != null) {
          answer(rest); // a last command without its newline
        }
        sessions.remove(this);
        out.finish();
      } catch (IOException e) {
        out.drop(); // the client went away
      }
    }

    private void reply(String line) {
      synchronized (this) {
        send(line);
      }
    }

    /**
     * Answers each JSON value on the line in turn, as QEMU's streaming parser does for {@code
     * {…}{…}}; after a syntax error the rest of the line is not trusted and skipped.
     */
    private void answer(String text) {
      try (JsonParser p = JSON.createParser(text)) {
        while (true) {
          JsonNode request;
          try {
            if (p.nextToken() == null) {
              return;
            }
            request = JSON.readTree(p);
          } catch (IOException e) {
            reply(QmpCommands.error(null, "GenericError", "JSON parse error, " + firstLine(e)));
            return;
          }
          if (negotiated && QmpCommands.waitsForTheMachine(request)) {
            saveState(request.get("id")); // without the lock: the machine's events go out meanwhile
          } else {
            synchronized (this) {
              send(handle(request));
            }
          }
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing a parser", e);
      }
    }

    /** This client waits for its save's answer, so its commands keep their order. */
    private void saveState(JsonNode id) {
      try {
        commands.saveState(id, this::reply).get(SAVE_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        reply(
            QmpCommands.error(
                id, "GenericError", "The save did not finish in " + SAVE_SECONDS + " s"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private String handle(JsonNode request) {
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
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
