package dev.berth.app.terminal;

/**
 * Colours and attributes of a cell, packed into one {@code long} so a line stores a cell's whole
 * style in one array slot.
 *
 * <p>A colour is an {@code int}: {@link #DEFAULT_COLOR}, a palette index 0–255, or a 24-bit RGB
 * value flagged with {@link #RGB_FLAG} (see {@link #rgb}). Packed layout: foreground in bits 0–25,
 * background in bits 26–51 (each stored as colour + 1, so 0 is the default), attributes in bits
 * 52–59.
 */
public final class CellStyle {
  /** The terminal's default foreground or background (not a palette entry). */
  public static final int DEFAULT_COLOR = -1;

  /** Set on a colour that is 24-bit RGB in its low 24 bits. */
  public static final int RGB_FLAG = 0x100_0000;

  public static final int BOLD = 1;
  public static final int DIM = 2;
  public static final int UNDERLINE = 4;
  public static final int INVERSE = 8;

  /** Default colours, no attributes. */
  public static final long PLAIN = 0L;

  private static final int COLOR_BITS = 26;
  private static final long COLOR_MASK = (1L << COLOR_BITS) - 1;
  private static final int BG_SHIFT = COLOR_BITS;
  private static final int ATTR_SHIFT = 2 * COLOR_BITS;

  private CellStyle() {}

  /** A 24-bit colour; each component 0–255. */
  public static int rgb(int r, int g, int b) {
    return RGB_FLAG | (r & 0xff) << 16 | (g & 0xff) << 8 | (b & 0xff);
  }

  public static boolean isRgb(int color) {
    return color >= 0 && (color & RGB_FLAG) != 0;
  }

  public static boolean isDefault(int color) {
    return color == DEFAULT_COLOR;
  }

  /** A packed style. */
  public static long of(int fg, int bg, int attributes) {
    return pack(fg) | pack(bg) << BG_SHIFT | (long) (attributes & 0xff) << ATTR_SHIFT;
  }

  public static int foreground(long style) {
    return (int) (style & COLOR_MASK) - 1;
  }

  public static int background(long style) {
    return (int) (style >>> BG_SHIFT & COLOR_MASK) - 1;
  }

  public static int attributes(long style) {
    return (int) (style >>> ATTR_SHIFT) & 0xff;
  }

  static long withForeground(long style, int fg) {
    return style & ~COLOR_MASK | pack(fg);
  }

  static long withBackground(long style, int bg) {
    return style & ~(COLOR_MASK << BG_SHIFT) | pack(bg) << BG_SHIFT;
  }

  static long withAttributes(long style, int attributes) {
    return style & ~(0xffL << ATTR_SHIFT) | (long) (attributes & 0xff) << ATTR_SHIFT;
  }

  /** The style an erased cell gets: only the background survives (xterm's bce). */
  static long erased(long style) {
    return style & COLOR_MASK << BG_SHIFT;
  }

  private static long pack(int color) {
    return (color + 1L) & COLOR_MASK;
  }
}
