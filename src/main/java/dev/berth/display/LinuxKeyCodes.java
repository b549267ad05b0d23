package dev.berth.display;

/**
 * Keysyms to Linux input key codes ({@code linux/input-event-codes.h}) on a US keyboard. A shifted
 * character maps to its key ('!' to {@code KEY_1}): the Shift keysym comes on its own.
 */
public final class LinuxKeyCodes {
  private LinuxKeyCodes() {}

  private static final int[] ASCII = new int[128];

  // Each row of the US layout, unshifted and shifted, with the code of its first key.
  static {
    row("1234567890-=", "!@#$%^&*()_+", 2);
    row("qwertyuiop[]", "QWERTYUIOP{}", 16);
    row("asdfghjkl;'`", "ASDFGHJKL:\"~", 30);
    row("\\zxcvbnm,./", "|ZXCVBNM<>?", 43);
    ASCII[' '] = 57;
  }

  private static void row(String plain, String shifted, int firstCode) {
    for (int i = 0; i < plain.length(); i++) {
      ASCII[plain.charAt(i)] = firstCode + i;
      ASCII[shifted.charAt(i)] = firstCode + i;
    }
  }

  /** The key code for a keysym, or 0 if a US keyboard has no such key. */
  public static int of(int keysym) {
    if (keysym < ASCII.length) {
      return ASCII[keysym];
    }
    if (keysym >= Keysyms.F1 && keysym < Keysyms.F1 + 10) {
      return 59 + keysym - Keysyms.F1;
    }
    return switch (keysym) {
      case Keysyms.F1 + 10 -> 87;
      case Keysyms.F12 -> 88;
      case Keysyms.ESCAPE -> 1;
      case Keysyms.BACKSPACE -> 14;
      case Keysyms.TAB -> 15;
      case Keysyms.RETURN -> 28;
      case Keysyms.CONTROL_L -> 29;
      case Keysyms.SHIFT_L -> 42;
      case Keysyms.SHIFT_R -> 54;
      case Keysyms.ALT_L -> 56;
      case Keysyms.CAPS_LOCK -> 58;
      case Keysyms.CONTROL_R -> 97;
      case Keysyms.ALT_R -> 100;
      case Keysyms.HOME -> 102;
      case Keysyms.UP -> 103;
      case Keysyms.PAGE_UP -> 104;
      case Keysyms.LEFT -> 105;
      case Keysyms.RIGHT -> 106;
      case Keysyms.END -> 107;
      case Keysyms.DOWN -> 108;
      case Keysyms.PAGE_DOWN -> 109;
      case Keysyms.INSERT -> 110;
      case Keysyms.DELETE -> 111;
      case Keysyms.SUPER_L -> 125;
      case Keysyms.SUPER_R -> 126;
      default -> 0;
    };
  }
}
