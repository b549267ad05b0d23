package dev.berth.display;

import dev.berth.display.GuestDisplay.Damage;
import dev.berth.display.GuestDisplay.Screen;

/**
 * The screen a network display client draws into, with the bounding box of what changed. The writer
 * draws into {@link #screen()}'s pixels first and marks the rectangle afterwards, so a reader that
 * copies a half-drawn rectangle copies it again at its next look.
 */
public final class ScreenBuffer {
  /** Beyond any real guest display: a bigger size from a peer is garbage, not a screen. */
  public static final int MAX_SIDE = 8192;

  private Screen screen;
  private int left;
  private int top;
  private int right;
  private int bottom;

  public ScreenBuffer(int width, int height) {
    resize(width, height);
  }

  public synchronized Screen screen() {
    return screen;
  }

  /** A new black screen of this size, all of it damaged. */
  public synchronized Screen resize(int width, int height) {
    if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException("impossible screen size " + width + "x" + height);
    }
    screen = new Screen(width, height, new int[width * height]);
    left = 0;
    top = 0;
    right = width;
    bottom = height;
    return screen;
  }

  /** Adds the rectangle to the damage. */
  public synchronized void markDirty(int x, int y, int width, int height) {
    if (width <= 0 || height <= 0) {
      return;
    }
    if (right <= left) {
      left = x;
      top = y;
      right = x + width;
      bottom = y + height;
      return;
    }
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
  }

  /** See {@link GuestDisplay#takeDamage()}. */
  public synchronized Damage takeDamage() {
    if (right <= left) {
      return null;
    }
    Damage d = new Damage(screen, left, top, right - left, bottom - top);
    left = right = top = bottom = 0;
    return d;
  }
}
