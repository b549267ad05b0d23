package dev.berth.backend.bundled;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a server sends one client: a bounded queue and the thread that writes it. A client that
 * falls behind by more than the queue holds is dropped, so it never makes the machine or another
 * client wait. The connection closes once, whichever way it ends, and then {@code onClosed} runs
 * (to free the client's slot).
 */
final class Outbox {
  private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
  private static final byte[] END = new byte[0];

  /** How long a client that half-closed goes on getting output once the other side is quiet. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private final SocketChannel channel;
  private final BlockingQueue<byte[]> queue;
  private final Runnable onClosed;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long lingerNanos;
  private volatile long lastInput;
  private volatile long lastOffer;

  Outbox(SocketChannel channel, int capacity, String threadName, Runnable onClosed) {
    this.channel = channel;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.onClosed = onClosed;
    Thread writer = new Thread(this::write, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues {@code b} (not copied); drops the client and returns false if it is not reading. */
  boolean offer(byte[] b) {
    if (closed.get()) {
      return false;
    }
    lastOffer = System.nanoTime();
    if (!queue.offer(b)) {
      LOG.log(System.Logger.Level.WARNING, "a client is not reading its socket; dropping it");
      drop();
      return false;
    }
    return true;
  }

  /** Sends what is queued, then closes. */
  void finish() {
    if (!queue.offer(END)) {
      drop();
    }
  }

  /** The client sent something: its answer is due. */
  void inputArrived() {
    lastInput = System.nanoTime();
  }

  /**
   * The client's input ended (a half-close, or a close: the two look the same). If what it sent
   * last is still unanswered, keep sending until nothing more came for {@link #LINGER}, so an
   * answer that takes a moment (the guest's echo, the agent's reply) still reaches it; otherwise
   * send what is queued and close.
   */
  void inputEnded() {
    long in = lastInput;
    if (in == 0 || lastOffer - in > 0) {
      finish();
      return;
    }
    lingerNanos = LINGER.toNanos();
    queue.offer(new byte[0]); // wakes the writer so it starts counting
  }

  /** Closes at once; what is queued is lost. */
  void drop() {
    queue.clear();
    queue.offer(END);
    close();
  }

  boolean isClosed() {
    return closed.get();
  }

  private void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing a client", e);
    }
    onClosed.run();
  }

  private void write() {
    try {
      while (true) {
        long linger = lingerNanos;
        byte[] b = linger == 0 ? queue.take() : queue.poll(linger, TimeUnit.NANOSECONDS);
        if (b == null || b == END) {
          return;
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "a client went away", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close();
    }
  }
}
