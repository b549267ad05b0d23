package dev.berth.core.dev;

import dev.berth.core.bus.Device;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * A linear framebuffer, 1024×768 at 32 bits per pixel (x8r8g8b8, stride 4096), described to the
 * guest as a {@code simple-framebuffer}. It behaves as plain memory; every write marks its rows
 * dirty so a display redraws only what changed. The guest writes on the worker thread; a display
 * reads {@link #pixels()} on its own thread — a torn pixel is redrawn at the next frame.
 */
public final class SimpleFramebuffer implements Device, Saveable {
  public static final int WIDTH = 1024;
  public static final int HEIGHT = 768;
  public static final int STRIDE = WIDTH * 4;
  public static final long SIZE = (long) STRIDE * HEIGHT;
  public static final String FORMAT = "x8r8g8b8";

  private final int[] pixels = new int[WIDTH * HEIGHT];
  private int dirtyTop = 0;
  private int dirtyBottom = HEIGHT - 1;

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
    java.util.Arrays.fill(pixels, 0);
    synchronized (this) {
      dirtyTop = 0;
      dirtyBottom = HEIGHT - 1;
    }
  }

  @Override
  public long read(long offset, int size) {
    int i = (int) (offset >>> 2);
    if (size == 8) {
      return (pixels[i] & 0xffffffffL) | (long) pixels[i + 1] << 32;
    }
    int shift = (int) (offset & 3) * 8;
    long v = (pixels[i] & 0xffffffffL) >>> shift;
    return size == 4 ? v : v & ((1L << (8 * size)) - 1);
  }

  @Override
  public void write(long offset, int size, long value) {
    int i = (int) (offset >>> 2);
    if (size == 8) {
      pixels[i] = (int) value;
      pixels[i + 1] = (int) (value >>> 32);
    } else if (size == 4) {
      pixels[i] = (int) value;
    } else {
      int shift = (int) (offset & 3) * 8;
      int mask = (int) (((1L << (8 * size)) - 1) << shift);
      pixels[i] = (pixels[i] & ~mask) | ((int) (value << shift) & mask);
    }
    markDirty(i / WIDTH);
  }

  @Override
  public void save(StateOut out) {
    out.begin("framebuffer").ints(pixels);
  }

  /** The whole screen is dirty afterwards, so a display repaints what the guest had drawn. */
  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("framebuffer").ints(pixels);
    synchronized (this) {
      dirtyTop = 0;
      dirtyBottom = HEIGHT - 1;
    }
  }
}
