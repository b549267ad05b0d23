package dev.berth.app.terminal;

import javafx.scene.paint.Color;

/**
 * The 256-colour xterm palette as JavaFX colours: 16 base colours chosen to read well on a dark
 * background, the 6×6×6 colour cube and the 24-step grey ramp; plus the default foreground,
 * background, cursor and selection colours.
 */
final class XtermPalette {
  static final Color DEFAULT_FOREGROUND = Color.rgb(0xd4, 0xd4, 0xd4);
  static final Color DEFAULT_BACKGROUND = Color.rgb(0x1c, 0x1e, 0x22);
  static final Color CURSOR = Color.rgb(0xe8, 0xe8, 0xe8);
  static final Color SELECTION = Color.rgb(0x3a, 0x5a, 0x8c);

  private static final int[] BASE = {
    0x2e3436, // black (lifted so it shows on the background)
    0xe0575b, // red
    0x7fbf5a, // green
    0xd9b44a, // yellow
    0x5f9ee6, // blue
    0xb77ee0, // magenta
    0x4fc1c9, // cyan
    0xd3d7cf, // white
    0x6c7278, // bright black
    0xff7a7e, // bright red
    0xa6e07a, // bright green
    0xf5d76e, // bright yellow
    0x8cbcff, // bright blue
    0xd6a2ff, // bright magenta
    0x7ee6ec, // bright cyan
    0xffffff, // bright white
  };

  private static final Color[] COLORS = new Color[256];

  static {
    for (int i = 0; i < 256; i++) {
      COLORS[i] = rgb(rgbOf(i));
    }
  }

  private XtermPalette() {}

  /** The 24-bit value of palette entry {@code i} (0–255). */
  static int rgbOf(int i) {
    if (i < 16) {
      return BASE[i];
    }
    if (i < 232) {
      int c = i - 16;
      return level(c / 36) << 16 | level(c / 6 % 6) << 8 | level(c % 6);
    }
    int grey = 8 + 10 * (i - 232);
    return grey << 16 | grey << 8 | grey;
  }

  private static int level(int v) {
    return v == 0 ? 0 : 55 + 40 * v;
  }

  /** A cell colour (see {@link CellStyle}); {@code fallback} for the default colour. */
  static Color color(int color, Color fallback) {
    if (color == CellStyle.DEFAULT_COLOR) {
      return fallback;
    }
    if (CellStyle.isRgb(color)) {
      return rgb(color & 0xff_ffff);
    }
    return COLORS[color & 0xff];
  }

  private static Color rgb(int rgb) {
    return Color.rgb(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff);
  }
}
