package dev.berth.backend.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.display.GuestDisplay.Damage;
import dev.berth.display.Keysyms;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundledDisplayTest {
  private final SimpleFramebuffer fb = new SimpleFramebuffer();
  private final List<String> keys = new ArrayList<>();
  private final BundledDisplay display =
      new BundledDisplay(fb, (code, down) -> keys.add(code + (down ? "+" : "-")));

  @Test
  void theDamageIsTheRowsTheGuestWrote() {
    display.takeDamage(); // the whole screen at first
    assertNull(display.takeDamage());
    fb.write(SimpleFramebuffer.STRIDE * 10L + 8, 4, 0xff0000);
    fb.write(SimpleFramebuffer.STRIDE * 12L, 1, 0xff);
    Damage d = display.takeDamage();
    assertEquals(List.of(0, 10, 1024, 3), List.of(d.x(), d.y(), d.width(), d.height()));
    assertEquals(0xff0000, d.screen().pixels()[10 * 1024 + 2]);
  }

  @Test
  void keysReachTheKeyboardAsLinuxKeyCodes() {
    display.key(Keysyms.SHIFT_L, true);
    display.key('A', true); // with Shift held: the A key, KEY_A
    display.key('!', true); // KEY_1
    display.key(Keysyms.RETURN, false);
    display.key(Keysyms.function(11), true);
    display.key(Keysyms.SUPER_L, true);
    display.key(0x0100_20ac, true); // € is no key of a US keyboard: dropped
    assertEquals(List.of("42+", "30+", "2+", "28-", "87+", "125+"), keys);
  }

  @Test
  void withoutAKeyboardKeysAreDropped() {
    BundledDisplay noKeyboard = new BundledDisplay(fb, null);
    noKeyboard.key('a', true);
    noKeyboard.pointer(1, 2, 1);
    assertEquals(1024, noKeyboard.screen().width());
  }
}
