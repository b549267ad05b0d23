package dev.berth.app.terminal;

/**
 * SGR ({@code CSI … m}): applies graphic-rendition parameters to the model's pen. Extended colours
 * are accepted in both forms, {@code 38;5;n} / {@code 38;2;r;g;b} and the ITU colon form {@code
 * 38:5:n} / {@code 38:2:[id]:r:g:b}. Unknown parameters are ignored.
 */
final class Sgr {
  private Sgr() {}

  static void apply(TerminalModel model, EscapeParser p) {
    long pen = model.pen();
    int n = p.paramCount();
    if (n == 0) {
      model.setPen(CellStyle.PLAIN);
      return;
    }
    int i = 0;
    while (i < n) {
      int a = p.param(i, 0);
      int attrs = CellStyle.attributes(pen);
      int next = i + 1;
      switch (a) {
        case 0 -> pen = CellStyle.PLAIN;
        case 1 -> pen = CellStyle.withAttributes(pen, attrs | CellStyle.BOLD);
        case 2 -> pen = CellStyle.withAttributes(pen, attrs | CellStyle.DIM);
        case 4 -> {
          boolean on = !p.isSubParam(next) || p.param(next, 1) != 0; // 4:0 is "no underline"
          int flag = CellStyle.UNDERLINE;
          pen = CellStyle.withAttributes(pen, on ? attrs | flag : attrs & ~flag);
        }
        case 7 -> pen = CellStyle.withAttributes(pen, attrs | CellStyle.INVERSE);
        case 22 -> pen = CellStyle.withAttributes(pen, attrs & ~(CellStyle.BOLD | CellStyle.DIM));
        case 24 -> pen = CellStyle.withAttributes(pen, attrs & ~CellStyle.UNDERLINE);
        case 27 -> pen = CellStyle.withAttributes(pen, attrs & ~CellStyle.INVERSE);
        case 39 -> pen = CellStyle.withForeground(pen, CellStyle.DEFAULT_COLOR);
        case 49 -> pen = CellStyle.withBackground(pen, CellStyle.DEFAULT_COLOR);
        case 38, 48 -> {
          int[] color = new int[1];
          next = extendedColor(p, i + 1, color);
          if (color[0] != Integer.MIN_VALUE) {
            pen =
                a == 38
                    ? CellStyle.withForeground(pen, color[0])
                    : CellStyle.withBackground(pen, color[0]);
          }
        }
        default -> {
          if (a >= 30 && a <= 37) {
            pen = CellStyle.withForeground(pen, a - 30);
          } else if (a >= 40 && a <= 47) {
            pen = CellStyle.withBackground(pen, a - 40);
          } else if (a >= 90 && a <= 97) {
            pen = CellStyle.withForeground(pen, a - 90 + 8);
          } else if (a >= 100 && a <= 107) {
            pen = CellStyle.withBackground(pen, a - 100 + 8);
          }
        }
      }
      i = next;
      while (i < n && p.isSubParam(i)) {
        i++; // sub-parameters of something handled above or ignored
      }
    }
    model.setPen(pen);
  }

  /**
   * Reads the colour after a 38 or 48 starting at parameter {@code i} into {@code out[0]} ({@code
   * Integer.MIN_VALUE} if malformed); returns the index of the next parameter.
   */
  private static int extendedColor(EscapeParser p, int i, int[] out) {
    out[0] = Integer.MIN_VALUE;
    int n = p.paramCount();
    if (i >= n) {
      return i;
    }
    boolean colon = p.isSubParam(i);
    int kind = p.param(i, -1);
    if (colon) {
      int end = i + 1;
      while (end < n && p.isSubParam(end)) {
        end++;
      }
      int count = end - i - 1; // values after the kind
      if (kind == 5 && count >= 1) {
        out[0] = index(p.param(i + 1, -1));
      } else if (kind == 2 && count >= 3) {
        int first = end - 3; // 38:2:r:g:b or 38:2:id:r:g:b
        out[0] = rgb(p.param(first, -1), p.param(first + 1, -1), p.param(first + 2, -1));
      }
      return end;
    }
    if (kind == 5) {
      out[0] = index(p.param(i + 1, -1));
      return Math.min(n, i + 2);
    }
    if (kind == 2) {
      out[0] = rgb(p.param(i + 1, -1), p.param(i + 2, -1), p.param(i + 3, -1));
      return Math.min(n, i + 4);
    }
    return i + 1;
  }

  private static int index(int v) {
    return v >= 0 && v <= 255 ? v : Integer.MIN_VALUE;
  }

  private static int rgb(int r, int g, int b) {
    if (r < 0 || g < 0 || b < 0 || r > 255 || g > 255 || b > 255) {
      return Integer.MIN_VALUE;
    }
    return CellStyle.rgb(r, g, b);
  }
}
