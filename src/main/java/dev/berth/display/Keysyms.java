package dev.berth.display;

/**
 * X11 keysyms, the key vocabulary of RFB and of {@link GuestDisplay#key}: a printable character is
 * its Latin-1 code or {@code 0x0100_0000 | codepoint}; other keys have codes of their own (values
 * from X11's {@code keysymdef.h}).
 */
public final class Keysyms {
  private Keysyms() {}

  public static final int BACKSPACE = 0xff08;
  public static final int TAB = 0xff09;
  public static final int RETURN = 0xff0d;
  public static final int ESCAPE = 0xff1b;
  public static final int HOME = 0xff50;
  public static final int LEFT = 0xff51;
  public static final int UP = 0xff52;
  public static final int RIGHT = 0xff53;
  public static final int DOWN = 0xff54;
  public static final int PAGE_UP = 0xff55;
  public static final int PAGE_DOWN = 0xff56;
  public static final int END = 0xff57;
  public static final int INSERT = 0xff63;
  public static final int F1 = 0xffbe;
  public static final int F12 = 0xffc9;
  public static final int SHIFT_L = 0xffe1;
  public static final int SHIFT_R = 0xffe2;
  public static final int CONTROL_L = 0xffe3;
  public static final int CONTROL_R = 0xffe4;
  public static final int CAPS_LOCK = 0xffe5;
  public static final int ALT_L = 0xffe9;
  public static final int ALT_R = 0xffea;
  public static final int SUPER_L = 0xffeb;
  public static final int SUPER_R = 0xffec;
  public static final int DELETE = 0xffff;

  /** F1 to F12 for {@code n} = 1 to 12. */
  public static int function(int n) {
    if (n < 1 || n > 12) {
      throw new IllegalArgumentException("F" + n);
    }
    return F1 + n - 1;
  }

  /** The keysym of a printable character, or 0 for a control character. */
  public static int ofChar(int codepoint) {
    if (codepoint < 0x20 || codepoint == 0x7f || codepoint >= 0x80 && codepoint < 0xa0) {
      return 0;
    }
    return codepoint < 0x100 ? codepoint : 0x0100_0000 | codepoint;
  }
}
