package dev.berth.app.terminal;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import javafx.scene.input.KeyCode;

/**
 * What an xterm sends for a key. Special keys are encoded from KEY_PRESSED ({@link #keyPressed});
 * text from KEY_TYPED ({@link #keyTyped}). A modified special key gets xterm's modifier parameter
 * ({@code ESC [1;5A} for Ctrl+Up): 1 + (Shift 1, Alt 2, Ctrl 4).
 */
public final class KeyEncoder {
  /** How a special key is sent: {@code ESC [ code ~}, or CSI/SS3 with a final letter. */
  private record Special(int code, char letter, boolean ss3) {
    static Special tilde(int code) {
      return new Special(code, '~', false);
    }

    static Special csi(char letter) {
      return new Special(1, letter, false);
    }

    static Special ss3(char letter) {
      return new Special(1, letter, true);
    }
  }

  private static final Map<KeyCode, Special> SPECIAL = new EnumMap<>(KeyCode.class);

  /** Ctrl + key → one control byte, for keys other than the letters. */
  private static final Map<KeyCode, Integer> CONTROL = new EnumMap<>(KeyCode.class);

  static {
    // Cursor keys: ESC [ A, or ESC O A in application cursor mode (see keyPressed).
    SPECIAL.put(KeyCode.UP, Special.csi('A'));
    SPECIAL.put(KeyCode.DOWN, Special.csi('B'));
    SPECIAL.put(KeyCode.RIGHT, Special.csi('C'));
    SPECIAL.put(KeyCode.LEFT, Special.csi('D'));
    SPECIAL.put(KeyCode.HOME, Special.csi('H'));
    SPECIAL.put(KeyCode.END, Special.csi('F'));
    SPECIAL.put(KeyCode.KP_UP, Special.csi('A'));
    SPECIAL.put(KeyCode.KP_DOWN, Special.csi('B'));
    SPECIAL.put(KeyCode.KP_RIGHT, Special.csi('C'));
    SPECIAL.put(KeyCode.KP_LEFT, Special.csi('D'));
    // Editing keypad.
    SPECIAL.put(KeyCode.INSERT, Special.tilde(2));
    SPECIAL.put(KeyCode.DELETE, Special.tilde(3));
    SPECIAL.put(KeyCode.PAGE_UP, Special.tilde(5));
    SPECIAL.put(KeyCode.PAGE_DOWN, Special.tilde(6));
    // Function keys.
    SPECIAL.put(KeyCode.F1, Special.ss3('P'));
    SPECIAL.put(KeyCode.F2, Special.ss3('Q'));
    SPECIAL.put(KeyCode.F3, Special.ss3('R'));
    SPECIAL.put(KeyCode.F4, Special.ss3('S'));
    SPECIAL.put(KeyCode.F5, Special.tilde(15));
    SPECIAL.put(KeyCode.F6, Special.tilde(17));
    SPECIAL.put(KeyCode.F7, Special.tilde(18));
    SPECIAL.put(KeyCode.F8, Special.tilde(19));
    SPECIAL.put(KeyCode.F9, Special.tilde(20));
    SPECIAL.put(KeyCode.F10, Special.tilde(21));
    SPECIAL.put(KeyCode.F11, Special.tilde(23));
    SPECIAL.put(KeyCode.F12, Special.tilde(24));

    CONTROL.put(KeyCode.SPACE, 0x00); // Ctrl+Space, Ctrl+@
    CONTROL.put(KeyCode.DIGIT2, 0x00);
    CONTROL.put(KeyCode.AT, 0x00);
    CONTROL.put(KeyCode.OPEN_BRACKET, 0x1B); // Ctrl+[
    CONTROL.put(KeyCode.BACK_SLASH, 0x1C); // Ctrl+\
    CONTROL.put(KeyCode.CLOSE_BRACKET, 0x1D); // Ctrl+]
    CONTROL.put(KeyCode.DIGIT6, 0x1E); // Ctrl+^
    CONTROL.put(KeyCode.CIRCUMFLEX, 0x1E);
    CONTROL.put(KeyCode.MINUS, 0x1F); // Ctrl+_
    CONTROL.put(KeyCode.UNDERSCORE, 0x1F);
    CONTROL.put(KeyCode.SLASH, 0x1F);
  }

  private static final byte ESC = 0x1B;

  private KeyEncoder() {}

  /**
   * The bytes for a key press, or null when the key produces text and should be left to KEY_TYPED
   * (or produces nothing).
   */
  public static byte[] keyPressed(
      KeyCode code, boolean shift, boolean ctrl, boolean alt, boolean applicationCursor) {
    Special special = SPECIAL.get(code);
    if (special != null) {
      return special(special, modifier(shift, alt, ctrl), applicationCursor);
    }
    byte[] plain =
        switch (code) {
          case ENTER -> new byte[] {'\r'};
          case BACK_SPACE -> new byte[] {ctrl ? (byte) 0x08 : (byte) 0x7F};
          case TAB -> shift ? bytes("\033[Z") : new byte[] {'\t'};
          case ESCAPE -> new byte[] {ESC};
          default -> null;
        };
    if (plain == null && ctrl) {
      plain = control(code);
    }
    if (plain == null) {
      return null;
    }
    return alt ? prefixEsc(plain) : plain;
  }

  /**
   * The bytes for typed text (a KEY_TYPED character), or null when there is nothing to send:
   * control characters (already sent from KEY_PRESSED) and Ctrl combinations. Ctrl+Alt is taken as
   * AltGr and sends the text as is; Alt alone prefixes ESC.
   */
  public static byte[] keyTyped(String character, boolean ctrl, boolean alt) {
    if (character == null || character.isEmpty() || ctrl && !alt) {
      return null;
    }
    int first = character.codePointAt(0);
    if (first < 0x20 || first == 0x7F) {
      return null;
    }
    byte[] text = character.getBytes(StandardCharsets.UTF_8);
    return alt && !ctrl ? prefixEsc(text) : text;
  }

  private static int modifier(boolean shift, boolean alt, boolean ctrl) {
    return 1 + (shift ? 1 : 0) + (alt ? 2 : 0) + (ctrl ? 4 : 0);
  }

  private static byte[] special(Special key, int modifier, boolean applicationCursor) {
    if (key.letter() == '~') {
      return bytes("\033[" + key.code() + (modifier > 1 ? ";" + modifier : "") + "~");
    }
    if (modifier > 1) {
      return bytes("\033[1;" + modifier + key.letter()); // modified keys always use CSI
    }
    boolean cursorKey = "ABCDHF".indexOf(key.letter()) >= 0;
    boolean ss3 = key.ss3() || cursorKey && applicationCursor;
    return bytes((ss3 ? "\033O" : "\033[") + key.letter());
  }

  private static byte[] control(KeyCode code) {
    if (code.isLetterKey()) {
      return new byte[] {(byte) (code.getCode() - 'A' + 1)}; // Ctrl+A … Ctrl+Z
    }
    Integer c = CONTROL.get(code);
    return c == null ? null : new byte[] {c.byteValue()};
  }

  private static byte[] prefixEsc(byte[] b) {
    byte[] out = new byte[b.length + 1];
    out[0] = ESC;
    System.arraycopy(b, 0, out, 1, b.length);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
