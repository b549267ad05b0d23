package dev.berth.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.qapi.QapiChannel;
import dev.berth.qapi.QapiError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A client of the QEMU guest agent protocol over the host end of the agent's channel (a unix
 * socket). The stream carries no command ids, so after anything that may have left it out of step
 * (connecting, a timeout) the client re-synchronises with {@code guest-sync-delimited}: a 0xFF byte
 * first, then the agent's reply preceded by 0xFF, echoing a random id; lines before that are stale
 * and dropped. No call blocks beyond its timeout.
 */
public final class QgaClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode CLOSED = JSON.createObjectNode().put("closed", true);

  /** Marks, in the reply queue, that the agent sent the 0xFF delimiter. */
  private static final JsonNode DELIMITER = JSON.createObjectNode().put("delimiter", true);

  private final SocketChannel channel;
  private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
  private final long timeoutMillis;
  private boolean inStep;

  /**
   * Connects to the agent's socket. No byte is exchanged yet: the first command synchronises.
   *
   * @throws IOException if nothing listens there
   */
  public QgaClient(Path socket, long timeoutMillis) throws IOException {
    this.timeoutMillis = timeoutMillis;
    this.channel = QapiChannel.open(socket, "no agent channel");
    QapiChannel.startReader("qga-client", this::read);
  }

  private void read() {
    try (InputStream in = Channels.newInputStream(channel)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        if (b == 0xFF) {
          line.reset();
          replies.add(DELIMITER);
        } else if (b == '\n') {
          parse(line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else {
          line.write(b);
        }
      }
    } catch (IOException e) {
      // the agent side closed, or close() was called here
    } finally {
      replies.add(CLOSED);
    }
  }

  private void parse(String line) {
    if (line.isBlank()) {
      return;
    }
    try {
      JsonNode msg = JSON.readTree(line);
      if (msg != null && msg.isObject()) {
        replies.add(msg);
      }
    } catch (IOException e) {
      // garbage on the channel: skipped; the next sync realigns the stream
    }
  }

  /**
   * Brings the stream into step: sends 0xFF and {@code guest-sync-delimited} with a fresh id and
   * drops everything up to the echo of that id.
   */
  public void sync() throws IOException {
    long id = ThreadLocalRandom.current().nextLong(1, 1L << 31);
    replies.clear();
    ObjectNode args = JSON.createObjectNode().put("id", id);
    send(new byte[] {(byte) 0xFF}, request("guest-sync-delimited", args));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    boolean delimited = false;
    while (true) {
      JsonNode n = take(deadline, "guest-sync-delimited");
      if (n == DELIMITER) {
        delimited = true;
      } else if (delimited && n.path("return").asLong(-1) == id) {
        inStep = true;
        return;
      }
    }
  }

  /**
   * Runs an agent command and returns its {@code return} value, synchronising first if needed.
   *
   * @throws QapiError if the agent answered with an error
   * @throws IOException if it did not answer in time or the channel closed
   */
  public JsonNode execute(String command, ObjectNode arguments) throws IOException {
    if (!inStep) {
      sync();
    }
    send(new byte[0], request(command, arguments));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      JsonNode reply = take(deadline, command);
      if (reply == DELIMITER) {
        continue;
      }
      if (reply.has("error")) {
        throw QapiError.of(reply);
      }
      return reply.path("return");
    }
  }

  /** True if the agent answers {@code guest-ping} in time. */
  public boolean ping() {
    try {
      execute("guest-ping", null);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The agent's version and supported commands ({@code guest-info}). */
  public JsonNode info() throws IOException {
    return execute("guest-info", null);
  }

  /** The guest's operating system ({@code guest-get-osinfo}). */
  public JsonNode osInfo() throws IOException {
    return execute("guest-get-osinfo", null);
  }

  /**
   * Asks the guest to shut down ({@code guest-shutdown}). Success sends no reply: the command
   * counts as accepted when no error arrives within {@code graceMillis} or the channel closes; an
   * error reply (the guest refused, or does not know the mode) is thrown.
   */
  public void shutdown(String mode, long graceMillis) throws IOException {
    if (!inStep) {
      sync();
    }
    ObjectNode args = JSON.createObjectNode().put("mode", mode);
    send(new byte[0], request("guest-shutdown", args));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
    try {
      while (true) {
        JsonNode reply = take(deadline, "guest-shutdown");
        if (reply.has("error")) {
          throw QapiError.of(reply);
        }
      }
    } catch (QapiError e) {
      throw e;
    } catch (IOException quietOrClosed) {
      inStep = false; // accepted: the guest is on its way down
    }
  }

  private static byte[] request(String command, ObjectNode arguments) throws IOException {
    ObjectNode req = JSON.createObjectNode().put("execute", command);
    if (arguments != null) {
      req.set("arguments", arguments);
    }
    return (JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private void send(byte[] prefix, byte[] line) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(prefix.length + line.length).put(prefix).put(line).flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  private JsonNode take(long deadlineNanos, String what) throws IOException {
    try {
      long left = deadlineNanos - System.nanoTime();
      JsonNode n = left <= 0 ? null : replies.poll(left, TimeUnit.NANOSECONDS);
      if (n == null) {
        inStep = false;
        throw new IOException(
            "the guest agent did not answer " + what + " within " + timeoutMillis + " ms");
      }
      if (n == CLOSED) {
        replies.add(CLOSED);
        inStep = false;
        throw new IOException("the guest agent's channel closed");
      }
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + what, e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
