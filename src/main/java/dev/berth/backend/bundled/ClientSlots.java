package dev.berth.backend.bundled;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;

/**
 * At most so many clients of one socket at a time, each costing two threads; one more is told why
 * and closed, so a flood of connections costs the server no thread and no memory it keeps.
 */
final class ClientSlots {
  private static final System.Logger LOG = System.getLogger(ClientSlots.class.getName());

  private final Semaphore free;
  private final byte[] refusal;
  private volatile boolean warned;

  /**
   * @param refusal what a client beyond the limit reads before its connection closes
   */
  ClientSlots(int max, byte[] refusal) {
    this.free = new Semaphore(max);
    this.refusal = refusal;
  }

  /** True if {@code ch} may be served (call {@link #release()} when it ends); else closes it. */
  boolean admit(SocketChannel ch) {
    if (free.tryAcquire()) {
      return true;
    }
    if (!warned) {
      warned = true; // once per socket: a flood must not flood the log too
      LOG.log(
          System.Logger.Level.WARNING,
          new String(refusal, java.nio.charset.StandardCharsets.UTF_8).strip());
    }
    try (ch) {
      // A fresh socket's buffer takes a line without blocking, even if the client never reads.
      ch.write(ByteBuffer.wrap(refusal));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "refusing a client", e);
    }
    return false;
  }

  void release() {
    free.release();
  }
}
