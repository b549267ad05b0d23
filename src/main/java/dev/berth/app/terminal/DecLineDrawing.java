package dev.berth.app.terminal;

/** The DEC Special Graphics set ({@code ESC ( 0}): box-drawing characters for 0x5F–0x7E. */
final class DecLineDrawing {
  private static final String TABLE =
      "\u00a0" // _
          + "\u25c6\u2592\u2409\u240c\u240d\u240a\u00b0\u00b1" // ` a b c d e f g
          + "\u2424\u240b\u2518\u2510\u250c\u2514\u253c\u23ba" // h i j k l m n o
          + "\u23bb\u2500\u23bc\u23bd\u251c\u2524\u2534\u252c" // p q r s t u v w
          + "\u2502\u2264\u2265\u03c0\u2260\u00a3\u00b7"; // x y z { | } ~

  private DecLineDrawing() {}

  static int map(int c) {
    return c >= 0x5F && c <= 0x7E ? TABLE.charAt(c - 0x5F) : c;
  }
}
