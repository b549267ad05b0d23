package dev.berth.app;

import dev.berth.display.Keysyms;
import javafx.scene.input.KeyCode;

/**
 * A JavaFX key as the X11 keysym a guest display takes: named keys by their code, letters by code
 * and Shift (so Ctrl+letter and Caps Lock work, the guest keeping its own Caps Lock), anything else
 * by the character it types on the host's layout.
 */
final class FxKeysyms {
  private FxKeysyms() {}

  /** The keysym, or 0 for a key a guest cannot be sent. */
  static int of(KeyCode code, String text, boolean shift) {
    if (code.isFunctionKey()) {
      int n = Integer.parseInt(code.getName().substring(1));
      return n <= 12 ? Keysyms.function(n) : 0;
    }
    int named = named(code);
    if (named != 0) {
      return named;
    }
    if (code.isLetterKey()) {
      char upper = code.getChar().charAt(0);
      return shift ? upper : Character.toLowerCase(upper);
    }
    if (!text.isEmpty() && Keysyms.ofChar(text.codePointAt(0)) != 0) {
      return Keysyms.ofChar(text.codePointAt(0));
    }
    return code.isDigitKey() ? code.getChar().charAt(0) : 0;
  }

  private static int named(KeyCode code) {
    return switch (code) {
      case ENTER -> Keysyms.RETURN;
      case BACK_SPACE -> Keysyms.BACKSPACE;
      case TAB -> Keysyms.TAB;
      case ESCAPE -> Keysyms.ESCAPE;
      case DELETE -> Keysyms.DELETE;
      case INSERT -> Keysyms.INSERT;
      case HOME -> Keysyms.HOME;
      case END -> Keysyms.END;
      case PAGE_UP -> Keysyms.PAGE_UP;
      case PAGE_DOWN -> Keysyms.PAGE_DOWN;
      case UP, KP_UP -> Keysyms.UP;
      case DOWN, KP_DOWN -> Keysyms.DOWN;
      case LEFT, KP_LEFT -> Keysyms.LEFT;
      case RIGHT, KP_RIGHT -> Keysyms.RIGHT;
      case SPACE -> ' ';
      case SHIFT -> Keysyms.SHIFT_L;
      case CONTROL -> Keysyms.CONTROL_L;
      case ALT -> Keysyms.ALT_L;
      case ALT_GRAPH -> Keysyms.ALT_R;
      case WINDOWS, META, COMMAND -> Keysyms.SUPER_L;
      case CAPS -> Keysyms.CAPS_LOCK;
      default -> 0;
    };
  }
}
