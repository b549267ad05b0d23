package dev.berth.core.dev;

/**
 * Bytes typed or pasted on the host, waiting for a guest device to take them. Any thread may offer;
 * the machine's worker thread takes. Bounded, so a paste cannot grow without limit.
 */
public final class HostInput {
  private final byte[] ring;
  private int head;
  private int count;
  private final Runnable onInput;

  public HostInput(int capacity, Runnable onInput) {
    this.ring = new byte[capacity];
    this.onInput = onInput;
  }

  /** Queues as many bytes as fit; returns how many were taken. */
  public int offer(byte[] data, int off, int len) {
    int taken;
    synchronized (this) {
      taken = Math.min(len, ring.length - count);
      for (int i = 0; i < taken; i++) {
        ring[(head + count + i) % ring.length] = data[off + i];
      }
      count += taken;
    }
    if (taken > 0) {
      onInput.run();
    }
    return taken;
  }

  /** The next byte, or -1 if none is waiting. */
  public synchronized int poll() {
    if (count == 0) {
      return -1;
    }
    int b = ring[head] & 0xff;
    head = (head + 1) % ring.length;
    count--;
    return b;
  }

  /** Takes up to {@code len} waiting bytes into {@code dst}; returns how many. */
  public synchronized int poll(byte[] dst, int off, int len) {
    int n = Math.min(len, count);
    for (int i = 0; i < n; i++) {
      dst[off + i] = ring[(head + i) % ring.length];
    }
    head = (head + n) % ring.length;
    count -= n;
    return n;
  }

  /** Drops everything waiting. */
  public synchronized void clear() {
    head = count = 0;
  }

  public synchronized boolean isEmpty() {
    return count == 0;
  }
}
