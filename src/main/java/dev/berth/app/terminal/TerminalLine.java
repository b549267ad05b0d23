package dev.berth.app.terminal;

import java.util.Arrays;

/**
 * One row of cells: a codepoint (0 for a cell never written) and a packed {@link CellStyle} per
 * column, and whether the row continues on the next one because the text wrapped there.
 */
public final class TerminalLine {
  int[] codepoints;
  long[] styles;
  boolean wrapped;

  TerminalLine(int columns, long erasedStyle) {
    codepoints = new int[columns];
    styles = new long[columns];
    Arrays.fill(styles, erasedStyle);
  }

  /** The number of cells. Lines in the scrollback keep the width they had. */
  public int length() {
    return codepoints.length;
  }

  /** The codepoint at {@code col}; 0 for a blank cell. */
  public int codepoint(int col) {
    return codepoints[col];
  }

  public long style(int col) {
    return styles[col];
  }

  public int foreground(int col) {
    return CellStyle.foreground(styles[col]);
  }

  public int background(int col) {
    return CellStyle.background(styles[col]);
  }

  public int attributes(int col) {
    return CellStyle.attributes(styles[col]);
  }

  /** True when the text of this line continues on the next one (autowrap, not a newline). */
  public boolean isWrapped() {
    return wrapped;
  }

  /** The text of columns [from, to), blanks as spaces, trailing blanks removed. */
  public String text(int from, int to) {
    int end = Math.min(to, codepoints.length);
    while (end > from && isBlank(codepoints[end - 1])) {
      end--;
    }
    StringBuilder sb = new StringBuilder(Math.max(0, end - from));
    for (int i = Math.max(0, from); i < end; i++) {
      int cp = codepoints[i];
      sb.appendCodePoint(cp == 0 ? ' ' : cp);
    }
    return sb.toString();
  }

  /** The whole line as text, trailing blanks removed. */
  public String text() {
    return text(0, codepoints.length);
  }

  @Override
  public String toString() {
    return text();
  }

  private static boolean isBlank(int cp) {
    return cp == 0 || cp == ' ';
  }

  void erase(int from, int to, long erasedStyle) {
    Arrays.fill(codepoints, from, to, 0);
    Arrays.fill(styles, from, to, erasedStyle);
  }

  /** Blank the whole line at width {@code columns}, reusing the arrays when they fit. */
  void reset(int columns, long erasedStyle) {
    if (codepoints.length != columns) {
      codepoints = new int[columns];
      styles = new long[columns];
    } else {
      Arrays.fill(codepoints, 0);
    }
    Arrays.fill(styles, erasedStyle);
    wrapped = false;
  }

  /** Change the width, keeping the cells that still fit and blanking new ones. */
  void resize(int columns, long erasedStyle) {
    int old = codepoints.length;
    if (old == columns) {
      return;
    }
    codepoints = Arrays.copyOf(codepoints, columns);
    styles = Arrays.copyOf(styles, columns);
    if (columns > old) {
      Arrays.fill(styles, old, columns, erasedStyle);
    } else {
      wrapped = false;
    }
  }

  /** Insert {@code n} blanks at {@code col}, shifting the rest right; cells pushed out are lost. */
  void insert(int col, int n, long erasedStyle) {
    int len = codepoints.length;
    n = Math.min(n, len - col);
    System.arraycopy(codepoints, col, codepoints, col + n, len - col - n);
    System.arraycopy(styles, col, styles, col + n, len - col - n);
    erase(col, col + n, erasedStyle);
  }

  /** Delete {@code n} cells at {@code col}, shifting the rest left and blanking the end. */
  void delete(int col, int n, long erasedStyle) {
    int len = codepoints.length;
    n = Math.min(n, len - col);
    System.arraycopy(codepoints, col + n, codepoints, col, len - col - n);
    System.arraycopy(styles, col + n, styles, col, len - col - n);
    erase(len - n, len, erasedStyle);
  }
}
