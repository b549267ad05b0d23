package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.display.Keysyms;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;

class FxKeysymsTest {
  @Test
  void lettersFollowShiftEvenUnderControl() {
    assertEquals('c', FxKeysyms.of(KeyCode.C, "\u0003", false));
    assertEquals('C', FxKeysyms.of(KeyCode.C, "", true));
  }

  @Test
  void otherCharactersAreWhatTheHostLayoutTypes() {
    assertEquals('1', FxKeysyms.of(KeyCode.DIGIT1, "1", false));
    assertEquals('!', FxKeysyms.of(KeyCode.DIGIT1, "!", true));
    assertEquals('7', FxKeysyms.of(KeyCode.DIGIT7, "", false));
    assertEquals(0xe9, FxKeysyms.of(KeyCode.UNDEFINED, "é", false));
    assertEquals(0x0100_20ac, FxKeysyms.of(KeyCode.UNDEFINED, "€", false));
    assertEquals(' ', FxKeysyms.of(KeyCode.SPACE, "", false));
  }

  @Test
  void namedKeysAndModifiersHaveTheirOwnKeysyms() {
    assertEquals(Keysyms.BACKSPACE, FxKeysyms.of(KeyCode.BACK_SPACE, "\b", false));
    assertEquals(Keysyms.ESCAPE, FxKeysyms.of(KeyCode.ESCAPE, "", false));
    assertEquals(Keysyms.PAGE_DOWN, FxKeysyms.of(KeyCode.PAGE_DOWN, "", false));
    assertEquals(Keysyms.LEFT, FxKeysyms.of(KeyCode.KP_LEFT, "", false));
    assertEquals(Keysyms.function(12), FxKeysyms.of(KeyCode.F12, "", false));
    assertEquals(0, FxKeysyms.of(KeyCode.F13, "", false));
    assertEquals(Keysyms.CONTROL_L, FxKeysyms.of(KeyCode.CONTROL, "", false));
    assertEquals(Keysyms.ALT_L, FxKeysyms.of(KeyCode.ALT, "", false));
    assertEquals(Keysyms.SUPER_L, FxKeysyms.of(KeyCode.WINDOWS, "", false));
    assertEquals(0, FxKeysyms.of(KeyCode.UNDEFINED, "", false));
  }
}
