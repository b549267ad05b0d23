package dev.berth.core.dev;

import dev.berth.core.bus.Device;
import dev.berth.core.bus.Ram;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * A linear framebuffer, 1024×768 at 32 bits per pixel (x8r8g8b8, stride 4096), described to the
 * guest as a {@code simple-framebuffer}. It behaves as plain memory, kept in a byte array: on a
 * board, RAM's window ({@link Ram#mapWindow}), so the CPU's stores reach it through the soft TLB as
 * RAM stores do. A store through the bus marks its row dirty at once; a row the CPU's fast path may
 * write was announced first ({@link #pageMayChange}: a row is a page) and is copied to the pixels
 * and marked at the end of the slice ({@link #publish}), when the CPU lets go of it. A display
 * redraws only what changed, reading {@link #pixels()} on its own thread: a torn pixel is redrawn
 * at the next frame.
 */
public final class SimpleFramebuffer implements Device, Ram.WindowWatcher, Saveable {
  public static final int WIDTH = 1024;
  public static final int HEIGHT = 768;
  public static final int STRIDE = WIDTH * 4;
  public static final long SIZE = (long) STRIDE * HEIGHT;
  public static final String FORMAT = "x8r8g8b8";

  private final byte[] store;
  private final int base;
  private final int[] pixels = new int[WIDTH * HEIGHT];

  /** Rows the CPU may have written since the last {@link #publish}, one bit each. */
  private final long[] pending = new long[HEIGHT / 64];

  private boolean anyPending;
  private int dirtyTop = 0;
  private int dirtyBottom = HEIGHT - 1;

  /** A framebuffer with memory of its own. */
  public SimpleFramebuffer() {
    this(new byte[(int) SIZE], 0);
  }

  /** A framebuffer whose memory is {@code store[base, base+SIZE)}. */
  public SimpleFramebuffer(byte[] store, int base) {
    this.store = store;
    this.base = base;
  }

  @Override
  public void pageMayChange(int page) {
    pending[page >>> 6] |= 1L << page;
    anyPending = true;
  }

  /**
   * The rows announced by {@link #pageMayChange} since the last call, which the CPU no longer maps:
   * their pixels are copied and they are marked dirty. On the worker thread, between slices.
   */
  public void publish() {
    if (!anyPending) {
      return;
    }
    anyPending = false;
    for (int w = 0; w < pending.length; w++) {
      long bits = pending[w];
      pending[w] = 0;
      while (bits != 0) {
        int row = w * 64 + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        copyRow(row);
        markDirty(row);
      }
    }
  }

  /** Row {@code row} of the memory into the pixels a display reads. */
  private void copyRow(int row) {
    int from = base + row * STRIDE;
    for (int k = 0; k < WIDTH; k++) {
      pixels[row * WIDTH + k] = Ram.read32(store, from + 4 * k);
    }
  }

  /** The pixels as the guest wrote them, 0x00RRGGBB, row by row. Read-only for displays. */
  public int[] pixels() {
    return pixels;
  }

  /**
   * The rows changed since the last call, packed as {@code top << 32 | bottom}, or -1 if none; the
   * range is reset.
   */
  public synchronized long takeDirtyRows() {
    if (dirtyBottom < dirtyTop) {
      return -1;
    }
    long rows = (long) dirtyTop << 32 | dirtyBottom;
    dirtyTop = HEIGHT;
    dirtyBottom = -1;
    return rows;
  }

  private synchronized void markDirty(int row) {
    if (row < dirtyTop) {
      dirtyTop = row;
    }
    if (row > dirtyBottom) {
      dirtyBottom = row;
    }
  }

  @Override
  public void reset() {
    java.util.Arrays.fill(store, base, base + (int) SIZE, (byte) 0);
    java.util.Arrays.fill(pixels, 0);
    java.util.Arrays.fill(pending, 0);
    anyPending = false;
    synchronized (this) {
      dirtyTop = 0;
      dirtyBottom = HEIGHT - 1;
    }
  }

  @Override
  public long read(long offset, int size) {
    long v = Ram.read(store, base + (int) offset, size);
    return size == 8 ? v : v & ((1L << (8 * size)) - 1);
  }

  @Override
  public void write(long offset, int size, long value) {
    int off = (int) offset;
    Ram.write(store, base + off, size, value);
    int first = off >>> 2;
    int last = (off + size - 1) >>> 2;
    for (int i = first; i <= last; i++) {
      pixels[i] = Ram.read32(store, base + 4 * i);
    }
    markDirty(first / WIDTH);
  }

  @Override
  public void save(StateOut out) {
    out.begin("framebuffer"); // its memory is RAM's window: saved with RAM
  }

  /**
   * The pixels again from the memory RAM's restore brought back, the whole screen dirty, so a
   * display repaints what the guest had drawn.
   */
  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("framebuffer");
    java.util.Arrays.fill(pending, 0);
    anyPending = false;
    for (int row = 0; row < HEIGHT; row++) {
      copyRow(row);
    }
    synchronized (this) {
      dirtyTop = 0;
      dirtyBottom = HEIGHT - 1;
    }
  }
}
