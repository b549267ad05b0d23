package dev.berth.backend.bundled;

import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.display.GuestDisplay;
import dev.berth.display.LinuxKeyCodes;
import dev.berth.display.LinuxKeyboard;

/**
 * The bundled core's framebuffer as a {@link GuestDisplay}: a fixed 1024×768 screen whose damage is
 * the rows the guest wrote. Keys go to the board's keyboard as Linux key codes when it has one; the
 * board has no pointing device, so the pointer goes nowhere.
 */
public final class BundledDisplay implements GuestDisplay {
  private final SimpleFramebuffer fb;
  private final Screen screen;
  private final LinuxKeyboard keyboard;

  /** {@code keyboard} may be null: the board then has no keyboard and keys are dropped. */
  public BundledDisplay(SimpleFramebuffer fb, LinuxKeyboard keyboard) {
    this.fb = fb;
    this.screen = new Screen(SimpleFramebuffer.WIDTH, SimpleFramebuffer.HEIGHT, fb.pixels());
    this.keyboard = keyboard;
  }

  @Override
  public Screen screen() {
    return screen;
  }

  @Override
  public Damage takeDamage() {
    long rows = fb.takeDirtyRows();
    if (rows < 0) {
      return null;
    }
    int top = (int) (rows >>> 32);
    int bottom = (int) rows;
    return new Damage(screen, 0, top, SimpleFramebuffer.WIDTH, bottom - top + 1);
  }

  @Override
  public void key(int keysym, boolean down) {
    int code = LinuxKeyCodes.of(keysym);
    if (keyboard != null && code != 0) {
      keyboard.key(code, down);
    }
  }

  @Override
  public void pointer(int x, int y, int buttons) {
    // The board has no pointing device (no virtio-tablet yet): nothing to move.
  }
}
