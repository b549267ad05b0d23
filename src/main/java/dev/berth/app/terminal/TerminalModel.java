package dev.berth.app.terminal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The state of an xterm-like terminal: a screen of cells, the cursor, the modes, and a scrollback
 * of lines that scrolled off the top. {@link #feed} interprets a UTF-8 byte stream with the control
 * functions a serial console meets (see the class's tests for the list).
 *
 * <p>Pure Java and not thread-safe: one thread owns a model (the view's is the FX thread's). Rows
 * and columns are 0-based here; "absolute" rows number the scrollback first (0 = oldest) and then
 * the screen, as {@link #lineAt} does.
 */
public final class TerminalModel {
  /** Scrollback lines kept unless the constructor says otherwise. */
  public static final int DEFAULT_SCROLLBACK = 10_000;

  private final Scrollback scrollback;
  private final EscapeParser parser = new EscapeParser(new Interpreter());
  private int cols;
  private int rows;
  private TerminalLine[] main;
  private TerminalLine[] alt;
  private TerminalLine[] screen;
  private boolean[] tabStops;

  private int cx;
  private int cy;
  private boolean wrapPending;
  private long pen = CellStyle.PLAIN;
  private boolean lineDrawing;
  private int lastPrinted = ' ';
  private int top;
  private int bottom;

  private boolean autowrap;
  private boolean cursorVisible;
  private boolean applicationCursorKeys;
  private boolean originMode;
  private boolean bracketedPaste;
  private boolean alternate;
  private SavedCursor savedMain;
  private SavedCursor savedAlt;

  private Consumer<byte[]> replyHandler = reply -> {};
  private String title = "";
  private long bellCount;

  private int dirtyTop = Integer.MAX_VALUE;
  private int dirtyBottom = -1;

  public TerminalModel(int columns, int rows) {
    this(columns, rows, DEFAULT_SCROLLBACK);
  }

  public TerminalModel(int columns, int rows, int scrollbackLines) {
    this.scrollback = new Scrollback(scrollbackLines);
    this.cols = Math.max(1, columns);
    this.rows = Math.max(1, rows);
    main = blankLines(this.rows);
    alt = blankLines(this.rows);
    screen = main;
    tabStops = new boolean[cols];
    resetState();
  }

  // ---- input ----

  /** Interpret {@code len} bytes of output from {@code b[off]}. */
  public void feed(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    int oldX = cx;
    int oldY = cy;
    parser.feed(b, off, len);
    if (cx != oldX || cy != oldY) {
      markDirty(cy);
    }
  }

  public void feed(byte[] b) {
    feed(b, 0, b.length);
  }

  /** Feed {@code s} encoded as UTF-8 (for tests and local echo). */
  public void feed(String s) {
    feed(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Where replies to queries (DSR, DA) go: they are bytes to send back to the guest. */
  public void setReplyHandler(Consumer<byte[]> handler) {
    replyHandler = Objects.requireNonNull(handler);
  }

  /** Full reset (as {@code ESC c}); the scrollback is kept. */
  public void reset() {
    parser.reset();
    resetState();
  }

  /**
   * Change the screen size. On the main screen a new width re-wraps the scrollback and the screen
   * (nothing is cut off for good); rows leaving the top go to scrollback.
   */
  public void resize(int columns, int newRows) {
    columns = Math.max(1, columns);
    newRows = Math.max(1, newRows);
    if (columns == cols && newRows == rows) {
      return;
    }
    if (columns != cols) {
      if (alternate) {
        // a full-screen program redraws at the new size; the main screen waits for it to end
        for (TerminalLine line : main) {
          line.resize(columns, CellStyle.PLAIN);
        }
      } else {
        reflowMain(columns);
      }
      for (TerminalLine line : alt) {
        line.resize(columns, CellStyle.PLAIN);
      }
      boolean[] stops = Arrays.copyOf(tabStops, columns);
      for (int c = cols; c < columns; c++) {
        stops[c] = c % 8 == 0;
      }
      tabStops = stops;
      cols = columns;
    }
    if (newRows != rows) {
      if (alternate) {
        main = resizeSimple(main, newRows);
        alt = resizeSimple(alt, newRows);
        screen = alt;
      } else {
        resizeMain(newRows);
        alt = resizeSimple(alt, newRows);
      }
      rows = newRows;
    }
    top = 0;
    bottom = rows - 1;
    cx = Math.min(cx, cols - 1);
    cy = Math.min(cy, rows - 1);
    wrapPending = false;
    markDirty(0, rows - 1);
  }

  private void resizeMain(int newRows) {
    TerminalLine[] lines = main;
    int y = cy;
    if (newRows < rows) {
      int excess = rows - newRows;
      int end = rows; // drop blank rows below the cursor first
      while (excess > 0 && end - 1 > y && isBlank(lines[end - 1])) {
        end--;
        excess--;
      }
      for (int i = 0; i < excess; i++) {
        scrollback.push(lines[i]);
      }
      lines = Arrays.copyOfRange(lines, excess, excess + newRows);
      y -= excess;
    } else {
      int grow = newRows - rows;
      int pulled = Math.min(grow, scrollback.size());
      TerminalLine[] grown = new TerminalLine[newRows];
      for (int i = pulled - 1; i >= 0; i--) {
        TerminalLine line = scrollback.popNewest();
        line.resize(cols, CellStyle.PLAIN);
        grown[i] = line;
      }
      System.arraycopy(lines, 0, grown, pulled, rows);
      for (int i = pulled + rows; i < newRows; i++) {
        grown[i] = new TerminalLine(cols, CellStyle.PLAIN);
      }
      lines = grown;
      y += pulled;
    }
    main = lines;
    screen = main;
    cy = Math.max(0, y);
  }

  /**
   * Re-wraps the scrollback and the main screen to {@code columns}: the rows of a line that wrapped
   * are one line again, cut anew, so narrowing and widening lose nothing. The cursor stays on its
   * character; rows below it that are blank are dropped, as a shrinking screen does.
   */
  private void reflowMain(int columns) {
    int used = cy + 1;
    for (int r = rows - 1; r > cy; r--) {
      if (!isBlank(main[r])) {
        used = r + 1;
        break;
      }
    }
    java.util.List<TerminalLine> old = new java.util.ArrayList<>(scrollback.size() + used);
    for (int i = 0; i < scrollback.size(); i++) {
      old.add(scrollback.get(i));
    }
    old.addAll(Arrays.asList(main).subList(0, used));
    int cursorRow = scrollback.size() + cy;
    // with a wrap pending, the cursor is past the last column: the next character starts a row
    int cursorCol = cx + (wrapPending ? 1 : 0);
    java.util.List<TerminalLine> out = new java.util.ArrayList<>(old.size());
    int newRow = 0;
    int newCol = 0;
    for (int i = 0; i < old.size(); ) {
      int j = i; // rows i..j are one line: all but the last wrapped
      while (j < old.size() - 1 && old.get(j).wrapped) {
        j++;
      }
      int length = 0;
      int cursorAt = -1;
      for (int k = i; k <= j; k++) {
        if (k == cursorRow) {
          cursorAt = length + cursorCol;
        }
        length += k < j ? old.get(k).length() : usedLength(old.get(k));
      }
      int need = Math.max(1, (length + columns - 1) / columns);
      if (cursorAt >= 0) {
        need = Math.max(need, cursorAt / columns + 1);
      }
      int first = out.size();
      for (int n = 0; n < need; n++) {
        TerminalLine line = new TerminalLine(columns, CellStyle.PLAIN);
        line.wrapped = n < need - 1;
        out.add(line);
      }
      int pos = 0;
      for (int k = i; k <= j; k++) {
        TerminalLine src = old.get(k);
        int width = k < j ? src.length() : usedLength(src);
        for (int c = 0; c < width; c++, pos++) {
          TerminalLine dst = out.get(first + pos / columns);
          dst.codepoints[pos % columns] = src.codepoints[c];
          dst.styles[pos % columns] = src.styles[c];
        }
      }
      if (cursorAt >= 0) {
        newRow = first + cursorAt / columns;
        newCol = cursorAt % columns;
      }
      i = j + 1;
    }
    int screenStart = Math.min(Math.max(0, out.size() - rows), newRow);
    scrollback.clear();
    for (int k = 0; k < screenStart; k++) {
      scrollback.push(out.get(k));
    }
    TerminalLine[] lines = new TerminalLine[rows];
    for (int r = 0; r < rows; r++) {
      int k = screenStart + r;
      lines[r] = k < out.size() ? out.get(k) : new TerminalLine(columns, CellStyle.PLAIN);
    }
    main = lines;
    screen = main;
    cx = newCol;
    cy = newRow - screenStart;
  }

  /** Columns up to the last cell anything was written to (text or a coloured blank). */
  private static int usedLength(TerminalLine line) {
    int n = line.length();
    while (n > 0 && line.codepoints[n - 1] == 0 && line.styles[n - 1] == CellStyle.PLAIN) {
      n--;
    }
    return n;
  }

  private TerminalLine[] resizeSimple(TerminalLine[] lines, int newRows) {
    TerminalLine[] out = Arrays.copyOf(lines, newRows);
    for (int i = lines.length; i < newRows; i++) {
      out[i] = new TerminalLine(cols, CellStyle.PLAIN);
    }
    return out;
  }

  private static boolean isBlank(TerminalLine line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.codepoints[i] != 0 || line.styles[i] != CellStyle.PLAIN) {
        return false;
      }
    }
    return true;
  }

  // ---- reading the screen ----

  public int columns() {
    return cols;
  }

  public int rows() {
    return rows;
  }

  /** Screen row {@code row} (0 = top of the screen). */
  public TerminalLine line(int row) {
    return screen[row];
  }

  public int codepoint(int row, int col) {
    return screen[row].codepoint(col);
  }

  public int foreground(int row, int col) {
    return screen[row].foreground(col);
  }

  public int background(int row, int col) {
    return screen[row].background(col);
  }

  public int attributes(int row, int col) {
    return screen[row].attributes(col);
  }

  public int cursorRow() {
    return cy;
  }

  public int cursorColumn() {
    return cx;
  }

  public boolean isCursorVisible() {
    return cursorVisible;
  }

  public boolean isAutowrap() {
    return autowrap;
  }

  /** DECCKM ({@code CSI ?1h}): cursor keys send {@code ESC O A} instead of {@code ESC [ A}. */
  public boolean isApplicationCursorKeys() {
    return applicationCursorKeys;
  }

  /** {@code CSI ?2004h}: pasted text should be wrapped in {@code ESC [200~ … ESC [201~}. */
  public boolean isBracketedPaste() {
    return bracketedPaste;
  }

  public boolean isAlternateScreen() {
    return alternate;
  }

  /** The last title set with OSC 0 or OSC 2. */
  public String title() {
    return title;
  }

  /** How many BEL characters arrived. */
  public long bellCount() {
    return bellCount;
  }

  // ---- scrollback ----

  public int scrollbackLineCount() {
    return scrollback.size();
  }

  public int scrollbackCapacity() {
    return scrollback.capacity();
  }

  /** Scrollback line {@code i}, 0 being the oldest. */
  public TerminalLine scrollbackLine(int i) {
    return scrollback.get(i);
  }

  /** Scrollback lines plus screen rows: the range of absolute rows. */
  public int totalLines() {
    return scrollback.size() + rows;
  }

  /** Absolute row {@code row}: the scrollback (oldest first), then the screen. */
  public TerminalLine lineAt(int row) {
    int n = scrollback.size();
    return row < n ? scrollback.get(row) : screen[row - n];
  }

  /**
   * A number that stays with a line while it moves from screen to scrollback: the line at absolute
   * row {@code r} is line number {@code firstLineNumber() + r}. It grows when the scrollback drops
   * lines, so a selection held in line numbers stays on its text.
   */
  public long firstLineNumber() {
    return scrollback.discarded();
  }

  // ---- changes, for the view ----

  /** True when cells changed (or the cursor moved) since {@link #clearDirty}. */
  public boolean isDirty() {
    return dirtyBottom >= 0;
  }

  /** First changed screen row, valid while {@link #isDirty}. */
  public int dirtyTop() {
    return dirtyTop;
  }

  /** Last changed screen row (inclusive), valid while {@link #isDirty}. */
  public int dirtyBottom() {
    return dirtyBottom;
  }

  public void clearDirty() {
    dirtyTop = Integer.MAX_VALUE;
    dirtyBottom = -1;
  }

  // ---- text ----

  /** The screen as text: rows joined with '\n', trailing blanks and blank last rows removed. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    int last = rows - 1;
    while (last > 0 && screen[last].text().isEmpty()) {
      last--;
    }
    for (int r = 0; r <= last; r++) {
      if (r > 0) {
        sb.append('\n');
      }
      sb.append(screen[r].text());
    }
    return sb.toString();
  }

  /**
   * The text between two absolute positions (see {@link #lineAt}): from {@code (startRow,
   * startCol)} inclusive to {@code (endRow, endCol)} exclusive, in either order. Rows end with '\n'
   * unless the text wrapped there; trailing blanks of a row are dropped.
   */
  public String text(int startRow, int startCol, int endRow, int endCol) {
    if (endRow < startRow || endRow == startRow && endCol < startCol) {
      return text(endRow, endCol, startRow, startCol);
    }
    int total = totalLines();
    startRow = Math.max(0, startRow);
    endRow = Math.min(total - 1, endRow);
    StringBuilder sb = new StringBuilder();
    for (int r = startRow; r <= endRow; r++) {
      TerminalLine line = lineAt(r);
      int from = r == startRow ? startCol : 0;
      int to = r == endRow ? endCol : line.length();
      boolean joins = r < endRow && line.wrapped && to >= line.length();
      if (joins) {
        for (int c = Math.max(0, from); c < line.length(); c++) {
          int cp = line.codepoints[c];
          sb.appendCodePoint(cp == 0 ? ' ' : cp);
        }
      } else {
        sb.append(line.text(from, to));
        if (r < endRow) {
          sb.append('\n');
        }
      }
    }
    return sb.toString();
  }

  // ---- the interpreter ----

  private TerminalLine[] blankLines(int n) {
    TerminalLine[] lines = new TerminalLine[n];
    for (int i = 0; i < n; i++) {
      lines[i] = new TerminalLine(cols, CellStyle.PLAIN);
    }
    return lines;
  }

  private void resetState() {
    pen = CellStyle.PLAIN;
    autowrap = true;
    cursorVisible = true;
    applicationCursorKeys = false;
    originMode = false;
    bracketedPaste = false;
    lineDrawing = false;
    alternate = false;
    screen = main;
    savedMain = null;
    savedAlt = null;
    title = "";
    top = 0;
    bottom = rows - 1;
    for (int c = 0; c < cols; c++) {
      tabStops[c] = c % 8 == 0;
    }
    for (TerminalLine line : main) {
      line.reset(cols, CellStyle.PLAIN);
    }
    cx = 0;
    cy = 0;
    wrapPending = false;
    markDirty(0, rows - 1);
  }

  private void markDirty(int row) {
    if (row < dirtyTop) {
      dirtyTop = row;
    }
    if (row > dirtyBottom) {
      dirtyBottom = row;
    }
  }

  private void markDirty(int from, int to) {
    markDirty(from);
    markDirty(to);
  }

  private long blank() {
    return CellStyle.erased(pen);
  }

  private void print(int cp) {
    if (wrapPending) {
      wrap();
    }
    TerminalLine line = screen[cy];
    line.codepoints[cx] = cp;
    line.styles[cx] = pen;
    lastPrinted = cp;
    markDirty(cy);
    if (cx < cols - 1) {
      cx++;
    } else if (autowrap) {
      wrapPending = true;
    }
  }

  private void printAscii(byte[] b, int from, int to) {
    if (lineDrawing) {
      for (int i = from; i < to; i++) {
        print(DecLineDrawing.map(b[i]));
      }
      return;
    }
    int i = from;
    while (i < to) {
      if (wrapPending) {
        wrap();
      }
      TerminalLine line = screen[cy];
      int n = Math.min(to - i, cols - cx);
      int[] cps = line.codepoints;
      for (int k = 0; k < n; k++) {
        cps[cx + k] = b[i + k];
      }
      Arrays.fill(line.styles, cx, cx + n, pen);
      markDirty(cy);
      i += n;
      cx += n;
      if (cx >= cols) {
        cx = cols - 1;
        if (autowrap) {
          wrapPending = true;
        } else if (i < to) {
          cps[cx] = b[to - 1]; // without autowrap the rest overwrites the last column
          i = to;
        }
      }
    }
    lastPrinted = b[to - 1];
  }

  private void wrap() {
    wrapPending = false;
    if (autowrap) {
      screen[cy].wrapped = true;
      cx = 0;
      index();
    }
  }

  private void index() {
    if (cy == bottom) {
      scrollUp(top, bottom, 1, true);
    } else if (cy < rows - 1) {
      cy++;
    }
  }

  private void reverseIndex() {
    if (cy == top) {
      scrollDown(top, bottom, 1);
    } else if (cy > 0) {
      cy--;
    }
  }

  /** Scroll rows [from, to] up by n; rows leaving the top of the screen go to the scrollback. */
  private void scrollUp(int from, int to, int n, boolean keep) {
    n = Math.min(n, to - from + 1);
    boolean toScrollback = keep && from == 0 && !alternate;
    long blank = blank();
    for (int k = 0; k < n; k++) {
      TerminalLine gone = screen[from];
      System.arraycopy(screen, from + 1, screen, from, to - from);
      TerminalLine fresh = toScrollback ? scrollback.push(gone) : gone;
      if (fresh == null) {
        fresh = new TerminalLine(cols, blank);
      } else {
        fresh.reset(cols, blank);
      }
      screen[to] = fresh;
    }
    markDirty(from, to);
  }

  private void scrollDown(int from, int to, int n) {
    n = Math.min(n, to - from + 1);
    long blank = blank();
    for (int k = 0; k < n; k++) {
      TerminalLine gone = screen[to];
      System.arraycopy(screen, from, screen, from + 1, to - from);
      gone.reset(cols, blank);
      screen[from] = gone;
    }
    markDirty(from, to);
  }

  private void execute(int c) {
    switch (c) {
      case 0x07 -> bellCount++;
      case 0x08 -> {
        if (cx > 0) {
          cx--;
        }
        wrapPending = false;
      }
      case 0x09 -> tabForward(1);
      case 0x0A, 0x0B, 0x0C -> {
        wrapPending = false;
        index();
      }
      case 0x0D -> {
        cx = 0;
        wrapPending = false;
      }
      default -> {} // NUL, SO, SI and the rest: ignored
    }
  }

  private void tabForward(int n) {
    for (int k = 0; k < n && cx < cols - 1; k++) {
      cx++;
      while (cx < cols - 1 && !tabStops[cx]) {
        cx++;
      }
    }
    wrapPending = false;
  }

  private void tabBackward(int n) {
    for (int k = 0; k < n && cx > 0; k++) {
      cx--;
      while (cx > 0 && !tabStops[cx]) {
        cx--;
      }
    }
    wrapPending = false;
  }

  private void escDispatch(int intermediate, int f) {
    if (intermediate == '(') {
      if (f == '0') {
        lineDrawing = true;
      } else if (f == 'B') {
        lineDrawing = false;
      }
      return;
    }
    if (intermediate != 0) {
      return; // other charsets, DECALN, …
    }
    switch (f) {
      case '7' -> saveCursor();
      case '8' -> restoreCursor();
      case 'c' -> resetState();
      case 'D' -> {
        wrapPending = false;
        index();
      }
      case 'E' -> {
        cx = 0;
        wrapPending = false;
        index();
      }
      case 'M' -> {
        wrapPending = false;
        reverseIndex();
      }
      case 'H' -> tabStops[cx] = true;
      default -> {} // keypad modes and the rest
    }
  }

  private void csiDispatch(EscapeParser p, int f) {
    if (p.intermediate() != 0) {
      if (p.intermediate() == '!' && f == 'p' && p.prefix() == 0) {
        softReset();
      }
      return;
    }
    if (p.prefix() == '?') {
      if (f == 'h' || f == 'l') {
        for (int i = 0; i < p.paramCount(); i++) {
          decMode(p.param(i, 0), f == 'h');
        }
      }
      return;
    }
    if (p.prefix() != 0) {
      return;
    }
    switch (f) {
      case 'A' -> cursorUp(p.count(0));
      case 'B', 'e' -> cursorDown(p.count(0));
      case 'C', 'a' -> moveTo(cy, cx + p.count(0));
      case 'D' -> moveTo(cy, cx - p.count(0));
      case 'E' -> {
        cursorDown(p.count(0));
        cx = 0;
      }
      case 'F' -> {
        cursorUp(p.count(0));
        cx = 0;
      }
      case 'G', '`' -> moveTo(cy, p.count(0) - 1);
      case 'H', 'f' -> cursorPosition(p.count(0), p.count(1));
      case 'd' -> cursorPosition(p.count(0), cx + 1);
      case 'I' -> tabForward(p.count(0));
      case 'Z' -> tabBackward(p.count(0));
      case 'J' -> eraseDisplay(p.param(0, 0));
      case 'K' -> eraseLine(p.param(0, 0));
      case 'L' -> insertLines(p.count(0));
      case 'M' -> deleteLines(p.count(0));
      case '@' -> editChars(p.count(0), '@');
      case 'P' -> editChars(p.count(0), 'P');
      case 'X' -> editChars(p.count(0), 'X');
      case 'S' -> scrollUp(top, bottom, p.count(0), true);
      case 'T' -> scrollDown(top, bottom, p.count(0));
      case 'b' -> repeat(p.count(0));
      case 'g' -> clearTabs(p.param(0, 0));
      case 'm' -> Sgr.apply(this, p);
      case 'n' -> deviceStatus(p.param(0, 0));
      case 'c' -> {
        if (p.param(0, 0) == 0) {
          reply("\033[?1;2c"); // a VT100 with advanced video
        }
      }
      case 'r' -> setMargins(p.param(0, 1), p.param(1, rows));
      case 's' -> saveCursor();
      case 'u' -> restoreCursor();
      default -> {} // unknown: consumed, ignored
    }
  }

  private void cursorUp(int n) {
    int limit = cy >= top ? top : 0;
    cy = Math.max(limit, cy - n);
    wrapPending = false;
  }

  private void cursorDown(int n) {
    int limit = cy <= bottom ? bottom : rows - 1;
    cy = Math.min(limit, cy + n);
    wrapPending = false;
  }

  private void moveTo(int row, int col) {
    cy = Math.max(0, Math.min(rows - 1, row));
    cx = Math.max(0, Math.min(cols - 1, col));
    wrapPending = false;
  }

  /** CUP with 1-based row and column, relative to the scroll region in origin mode. */
  private void cursorPosition(int row, int col) {
    if (originMode) {
      moveTo(Math.min(bottom, top + row - 1), col - 1);
    } else {
      moveTo(row - 1, col - 1);
    }
  }

  private void eraseDisplay(int mode) {
    long blank = blank();
    switch (mode) {
      case 0 -> {
        eraseInLine(cy, cx, cols, blank);
        for (int r = cy + 1; r < rows; r++) {
          screen[r].reset(cols, blank);
        }
        markDirty(cy, rows - 1);
      }
      case 1 -> {
        for (int r = 0; r < cy; r++) {
          screen[r].reset(cols, blank);
        }
        eraseInLine(cy, 0, cx + 1, blank);
        markDirty(0, cy);
      }
      case 2 -> {
        for (int r = 0; r < rows; r++) {
          screen[r].reset(cols, blank);
        }
        markDirty(0, rows - 1);
      }
      case 3 -> {
        scrollback.clear();
        markDirty(0, rows - 1);
      }
      default -> {
        return;
      }
    }
    wrapPending = false;
  }

  private void eraseLine(int mode) {
    switch (mode) {
      case 0 -> eraseInLine(cy, cx, cols, blank());
      case 1 -> eraseInLine(cy, 0, cx + 1, blank());
      case 2 -> eraseInLine(cy, 0, cols, blank());
      default -> {
        return;
      }
    }
    markDirty(cy);
    wrapPending = false;
  }

  private void eraseInLine(int row, int from, int to, long blank) {
    TerminalLine line = screen[row];
    line.erase(from, Math.min(to, cols), blank);
    if (to >= cols) {
      line.wrapped = false;
    }
  }

  private void insertLines(int n) {
    if (cy >= top && cy <= bottom) {
      scrollDown(cy, bottom, n);
      cx = 0;
      wrapPending = false;
    }
  }

  private void deleteLines(int n) {
    if (cy >= top && cy <= bottom) {
      scrollUp(cy, bottom, n, false);
      cx = 0;
      wrapPending = false;
    }
  }

  private void editChars(int n, int op) {
    TerminalLine line = screen[cy];
    long blank = blank();
    switch (op) {
      case '@' -> line.insert(cx, n, blank);
      case 'P' -> line.delete(cx, n, blank);
      default -> line.erase(cx, Math.min(cols, cx + n), blank);
    }
    markDirty(cy);
    wrapPending = false;
  }

  private void repeat(int n) {
    n = Math.min(n, cols * rows);
    for (int i = 0; i < n; i++) {
      print(lastPrinted);
    }
  }

  private void clearTabs(int mode) {
    if (mode == 0) {
      tabStops[cx] = false;
    } else if (mode == 3) {
      Arrays.fill(tabStops, false);
    }
  }

  private void deviceStatus(int what) {
    if (what == 5) {
      reply("\033[0n");
    } else if (what == 6) {
      int row = cy - (originMode ? top : 0) + 1;
      reply("\033[" + row + ";" + (cx + 1) + "R");
    }
  }

  private void reply(String s) {
    replyHandler.accept(s.getBytes(StandardCharsets.US_ASCII));
  }

  private void setMargins(int t, int b) {
    t = Math.max(1, t);
    b = Math.min(rows, b == 0 ? rows : b);
    if (t < b) {
      top = t - 1;
      bottom = b - 1;
      cursorPosition(1, 1);
    }
  }

  private void decMode(int mode, boolean set) {
    switch (mode) {
      case 1 -> applicationCursorKeys = set;
      case 6 -> {
        originMode = set;
        cursorPosition(1, 1);
      }
      case 7 -> {
        autowrap = set;
        if (!set) {
          wrapPending = false;
        }
      }
      case 25 -> {
        cursorVisible = set;
        markDirty(cy);
      }
      case 47 -> switchScreen(set, false);
      case 1047 -> switchScreen(set, true);
      case 1048 -> {
        if (set) {
          saveCursor();
        } else {
          restoreCursor();
        }
      }
      case 1049 -> {
        if (set) {
          saveCursor();
          switchScreen(true, true);
        } else {
          switchScreen(false, false);
          restoreCursor();
        }
      }
      case 2004 -> bracketedPaste = set;
      default -> {} // mouse modes, blinking cursor, …: ignored
    }
  }

  private void switchScreen(boolean toAlternate, boolean clear) {
    if (toAlternate == alternate) {
      return;
    }
    alternate = toAlternate;
    screen = alternate ? alt : main;
    if (alternate && clear) {
      for (TerminalLine line : alt) {
        line.reset(cols, CellStyle.PLAIN);
      }
    }
    markDirty(0, rows - 1);
  }

  private void softReset() {
    cursorVisible = true;
    originMode = false;
    autowrap = true;
    applicationCursorKeys = false;
    lineDrawing = false;
    pen = CellStyle.PLAIN;
    top = 0;
    bottom = rows - 1;
    saveCursor();
  }

  /** DECSC: position, pen, wrap flag, origin mode and charset, one slot per screen. */
  private record SavedCursor(
      int x, int y, long pen, boolean wrapPending, boolean originMode, boolean lineDrawing) {}

  private void saveCursor() {
    SavedCursor saved = new SavedCursor(cx, cy, pen, wrapPending, originMode, lineDrawing);
    if (alternate) {
      savedAlt = saved;
    } else {
      savedMain = saved;
    }
  }

  private void restoreCursor() {
    SavedCursor s = alternate ? savedAlt : savedMain;
    if (s == null) {
      s = new SavedCursor(0, 0, CellStyle.PLAIN, false, false, false);
    }
    cx = Math.min(s.x, cols - 1);
    cy = Math.min(s.y, rows - 1);
    pen = s.pen;
    wrapPending = s.wrapPending && cx == cols - 1;
    originMode = s.originMode;
    lineDrawing = s.lineDrawing;
  }

  // pen access for Sgr
  long pen() {
    return pen;
  }

  void setPen(long style) {
    pen = style;
  }

  private void oscDispatch(String text) {
    int semi = text.indexOf(';');
    if (semi > 0) {
      String kind = text.substring(0, semi);
      if (kind.equals("0") || kind.equals("2")) {
        title = text.substring(semi + 1);
      }
    }
  }

  /** Routes the parser's findings to the model without making them part of its public API. */
  private final class Interpreter implements EscapeParser.Actions {
    @Override
    public void print(int codepoint) {
      TerminalModel.this.print(
          lineDrawing && codepoint < 0x80 ? DecLineDrawing.map(codepoint) : codepoint);
    }

    @Override
    public void printAscii(byte[] b, int from, int to) {
      TerminalModel.this.printAscii(b, from, to);
    }

    @Override
    public void execute(int control) {
      TerminalModel.this.execute(control);
    }

    @Override
    public void escDispatch(int intermediate, int finalByte) {
      TerminalModel.this.escDispatch(intermediate, finalByte);
    }

    @Override
    public void csiDispatch(EscapeParser parser, int finalByte) {
      TerminalModel.this.csiDispatch(parser, finalByte);
    }

    @Override
    public void oscDispatch(String text) {
      TerminalModel.this.oscDispatch(text);
    }
  }
}
