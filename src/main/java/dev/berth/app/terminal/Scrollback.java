package dev.berth.app.terminal;

/**
 * The lines that scrolled off the top of the screen: a ring buffer of fixed capacity, oldest first.
 * When it is full, pushing a line evicts the oldest and hands it back for reuse.
 */
final class Scrollback {
  private final TerminalLine[] ring;
  private int start;
  private int size;
  private long discarded;

  Scrollback(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("scrollback capacity " + capacity);
    }
    ring = new TerminalLine[capacity];
  }

  int capacity() {
    return ring.length;
  }

  int size() {
    return size;
  }

  /** Lines that have left the buffer (evicted or cleared) since it was created. */
  long discarded() {
    return discarded;
  }

  /** Line {@code i}, 0 being the oldest. */
  TerminalLine get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("scrollback line " + i + " of " + size);
    }
    return ring[(start + i) % ring.length];
  }

  /**
   * Append {@code line} as the newest. Returns the evicted oldest line when the buffer was full,
   * {@code line} itself when the capacity is 0, and null otherwise.
   */
  TerminalLine push(TerminalLine line) {
    if (ring.length == 0) {
      discarded++;
      return line;
    }
    if (size < ring.length) {
      ring[(start + size++) % ring.length] = line;
      return null;
    }
    TerminalLine evicted = ring[start];
    ring[start] = line;
    start = (start + 1) % ring.length;
    discarded++;
    return evicted;
  }

  /** Remove and return the newest line, or null when empty. */
  TerminalLine popNewest() {
    if (size == 0) {
      return null;
    }
    int i = (start + --size) % ring.length;
    TerminalLine line = ring[i];
    ring[i] = null;
    return line;
  }

  void clear() {
    discarded += size;
    java.util.Arrays.fill(ring, null);
    start = 0;
    size = 0;
  }
}
