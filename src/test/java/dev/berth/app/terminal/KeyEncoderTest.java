package dev.berth.app.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;

class KeyEncoderTest {
  private static String pressed(KeyCode code) {
    return pressed(code, false, false, false, false);
  }

  private static String pressed(
      KeyCode code, boolean shift, boolean ctrl, boolean alt, boolean appCursor) {
    byte[] b = KeyEncoder.keyPressed(code, shift, ctrl, alt, appCursor);
    return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String ctrl(KeyCode code) {
    return pressed(code, false, true, false, false);
  }

  @Test
  void cursorAndEditingKeys() {
    assertEquals("\033[A", pressed(KeyCode.UP));
    assertEquals("\033[B", pressed(KeyCode.DOWN));
    assertEquals("\033[C", pressed(KeyCode.RIGHT));
    assertEquals("\033[D", pressed(KeyCode.LEFT));
    assertEquals("\033[H", pressed(KeyCode.HOME));
    assertEquals("\033[F", pressed(KeyCode.END));
    assertEquals("\033[2~", pressed(KeyCode.INSERT));
    assertEquals("\033[3~", pressed(KeyCode.DELETE));
    assertEquals("\033[5~", pressed(KeyCode.PAGE_UP));
    assertEquals("\033[6~", pressed(KeyCode.PAGE_DOWN));
  }

  @Test
  void applicationCursorMode() {
    assertEquals("\033OA", pressed(KeyCode.UP, false, false, false, true));
    assertEquals("\033OD", pressed(KeyCode.LEFT, false, false, false, true));
    assertEquals("\033OH", pressed(KeyCode.HOME, false, false, false, true));
    assertEquals("\033[3~", pressed(KeyCode.DELETE, false, false, false, true));
  }

  @Test
  void functionKeys() {
    String[] expected = {
      "\033OP",
      "\033OQ",
      "\033OR",
      "\033OS",
      "\033[15~",
      "\033[17~",
      "\033[18~",
      "\033[19~",
      "\033[20~",
      "\033[21~",
      "\033[23~",
      "\033[24~"
    };
    KeyCode[] keys = {
      KeyCode.F1,
      KeyCode.F2,
      KeyCode.F3,
      KeyCode.F4,
      KeyCode.F5,
      KeyCode.F6,
      KeyCode.F7,
      KeyCode.F8,
      KeyCode.F9,
      KeyCode.F10,
      KeyCode.F11,
      KeyCode.F12
    };
    for (int i = 0; i < keys.length; i++) {
      assertEquals(expected[i], pressed(keys[i]), keys[i].toString());
    }
  }

  @Test
  void modifiedSpecialKeysUseXtermParameters() {
    assertEquals("\033[1;5A", pressed(KeyCode.UP, false, true, false, false));
    assertEquals("\033[1;2D", pressed(KeyCode.LEFT, true, false, false, true));
    assertEquals("\033[1;3C", pressed(KeyCode.RIGHT, false, false, true, false));
    assertEquals("\033[3;5~", pressed(KeyCode.DELETE, false, true, false, false));
    assertEquals("\033[1;2P", pressed(KeyCode.F1, true, false, false, false));
  }

  @Test
  void basicKeys() {
    assertEquals("\r", pressed(KeyCode.ENTER));
    assertEquals("\u007f", pressed(KeyCode.BACK_SPACE));
    assertEquals("\t", pressed(KeyCode.TAB));
    assertEquals("\033[Z", pressed(KeyCode.TAB, true, false, false, false));
    assertEquals("\033", pressed(KeyCode.ESCAPE));
    assertEquals("\033\u007f", pressed(KeyCode.BACK_SPACE, false, false, true, false));
  }

  @Test
  void controlKeys() {
    assertEquals("\u0001", ctrl(KeyCode.A));
    assertEquals("\u0003", ctrl(KeyCode.C));
    assertEquals("\u001a", ctrl(KeyCode.Z));
    assertEquals("\u001b", ctrl(KeyCode.OPEN_BRACKET));
    assertEquals("\u001c", ctrl(KeyCode.BACK_SLASH));
    assertEquals("\u001d", ctrl(KeyCode.CLOSE_BRACKET));
    assertEquals("\u001e", ctrl(KeyCode.DIGIT6));
    assertEquals("\u001f", ctrl(KeyCode.MINUS));
    assertEquals("\u0000", ctrl(KeyCode.SPACE));
    assertEquals("\033\u0018", pressed(KeyCode.X, false, true, true, false)); // Ctrl+Alt+X
  }

  @Test
  void textIsLeftToKeyTyped() {
    assertNull(pressed(KeyCode.A));
    assertNull(pressed(KeyCode.A, true, false, false, false));
    assertNull(pressed(KeyCode.SHIFT));
    assertNull(pressed(KeyCode.A, false, false, true, false)); // Alt+a: as typed text
  }

  @Test
  void typedText() {
    assertEquals("a", typed("a", false, false));
    assertEquals("é", typed("é", false, false));
    assertEquals("€", typed("€", true, true)); // AltGr arrives as Ctrl+Alt
    assertEquals("\033x", typed("x", false, true));
    assertNull(typed("\r", false, false)); // sent from KEY_PRESSED
    assertNull(typed("\u0003", true, false));
    assertNull(typed("c", true, false));
    assertNull(typed("", false, false));
  }

  private static String typed(String s, boolean ctrl, boolean alt) {
    byte[] b = KeyEncoder.keyTyped(s, ctrl, alt);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
