package dev.berth.display;

/**
 * A guest's screen as a display shows it: its size and pixels, the region changed since the last
 * look, and the keyboard and pointer that go back to the guest. One thread (the machine's or a
 * network reader) writes the pixels; the display takes the damage once per frame on its own thread.
 * Free of any toolkit, so every backend can offer one.
 */
public interface GuestDisplay {
  /**
   * The screen at one moment: {@code pixels} holds {@code width * height} pixels, 0x00RRGGBB, row
   * by row. The array belongs to the writer; readers copy out of it and never write to it. A size
   * change brings a new screen (and a new array), so the three always agree.
   */
  record Screen(int width, int height, int[] pixels) {}

  /** The rectangle of {@code screen} changed since the previous {@link #takeDamage()}. */
  record Damage(Screen screen, int x, int y, int width, int height) {}

  /** The screen now. */
  Screen screen();

  /**
   * What changed since the last call, or null if nothing did; the region is reset. After a size
   * change the damage is the whole new screen.
   */
  Damage takeDamage();

  /** A key pressed or released, as an X11 keysym (see {@link Keysyms}). Never blocks. */
  void key(int keysym, boolean down);

  /**
   * The pointer at guest pixel ({@code x}, {@code y}) with buttons held: bit 0 left, 1 middle, 2
   * right, 3 and 4 the wheel up and down (as RFB). Never blocks.
   */
  void pointer(int x, int y, int buttons);
}
