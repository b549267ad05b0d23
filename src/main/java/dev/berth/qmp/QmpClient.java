package dev.berth.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.qapi.QapiChannel;
import dev.berth.qapi.QapiError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A QMP client over a unix socket: greeting, capabilities, commands with ids and a timeout, and
 * asynchronous events in order. A reader thread parses every line; replies and events are handed
 * over through queues, so no call blocks forever: garbage, EOF or a silent peer end in an {@link
 * IOException} with one readable line.
 */
public final class QmpClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode CLOSED = JSON.createObjectNode().put("closed", true);

  private final SocketChannel channel;
  private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final AtomicLong ids = new AtomicLong();
  private final long timeoutMillis;

  /** Connects, reads the greeting and negotiates capabilities. */
  public QmpClient(Path socket, long timeoutMillis) throws IOException {
    this.timeoutMillis = timeoutMillis;
    this.channel = QapiChannel.open(socket, "nothing is listening");
    QapiChannel.startReader("qmp-client", this::read);
    JsonNode greeting = take(replies, "the QMP greeting");
    if (!greeting.has("QMP")) {
      close();
      throw new IOException(socket + ": not a QMP server (greeting " + greeting + ")");
    }
    execute("qmp_capabilities", null);
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode msg;
        try {
          msg = JSON.readTree(line);
        } catch (IOException e) {
          continue; // not JSON: skip the line, the stream goes on
        }
        if (msg != null && msg.has("event")) {
          events.add(msg);
        } else if (msg != null) {
          replies.add(msg);
        }
      }
    } catch (IOException e) {
      // the peer closed or the socket was closed here
    } finally {
      replies.add(CLOSED);
      events.add(CLOSED);
    }
  }

  private JsonNode take(BlockingQueue<JsonNode> q, String what) throws IOException {
    return take(q, what, timeoutMillis);
  }

  private JsonNode take(BlockingQueue<JsonNode> q, String what, long timeoutMillis)
      throws IOException {
    try {
      JsonNode n = q.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      if (n == null) {
        throw new IOException("no answer within " + timeoutMillis + " ms waiting for " + what);
      }
      if (n == CLOSED) {
        q.add(CLOSED);
        throw new IOException("the VM closed its QMP socket");
      }
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + what, e);
    }
  }

  /**
   * Runs a command and returns its {@code return} value.
   *
   * @throws QapiError if the VM answered with an error
   * @throws IOException if it did not answer in time or the socket closed
   */
  public JsonNode execute(String command, ObjectNode arguments) throws IOException {
    return execute(command, arguments, timeoutMillis);
  }

  /** As {@link #execute(String, ObjectNode)}, waiting up to {@code millis} for a slow command. */
  public JsonNode execute(String command, ObjectNode arguments, long millis) throws IOException {
    long id = ids.incrementAndGet();
    ObjectNode req = JSON.createObjectNode().put("execute", command).put("id", id);
    if (arguments != null) {
      req.set("arguments", arguments);
    }
    ByteBuffer b =
        ByteBuffer.wrap((JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      channel.write(b);
    }
    while (true) {
      JsonNode reply = take(replies, "the reply to " + command, millis);
      if (reply.path("id").asLong(-1) != id) {
        continue; // a late reply to an earlier command that timed out
      }
      if (reply.has("error")) {
        throw QapiError.of(reply);
      }
      return reply.get("return");
    }
  }

  /** The next event, or null if none came within {@code millis}; IOException once closed. */
  public JsonNode nextEvent(long millis) throws IOException {
    try {
      JsonNode n = events.poll(millis, TimeUnit.MILLISECONDS);
      if (n == CLOSED) {
        events.add(CLOSED);
        throw new IOException("the VM closed its QMP socket");
      }
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for an event", e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
