package dev.berth.app.terminal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.animation.AnimationTimer;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.stage.Window;

/**
 * A terminal on a {@link Canvas}: draws a {@link TerminalModel}, sends keys as xterm bytes to the
 * input handler, scrolls through the scrollback, selects, copies and pastes, and zooms the font.
 * The model is resized so its columns and rows fill the view.
 *
 * <p>{@link #feed} may be called from any thread; everything else, including the model, belongs to
 * the FX thread. Fed bytes are applied once per frame by an animation timer that runs while the
 * view is in a scene, and the canvas is redrawn only when something changed.
 */
public class TerminalView extends Region {
  public static final double DEFAULT_FONT_SIZE = 14;
  private static final double MIN_FONT_SIZE = 6;
  private static final double MAX_FONT_SIZE = 72;

  /** Pending output beyond this is dropped from its oldest end (the FX thread is not draining). */
  private static final int MAX_PENDING = 8 << 20;

  private static final List<String> FONT_FAMILIES =
      List.of("DejaVu Sans Mono", "Liberation Mono", "Consolas", "Menlo", "Monospaced");

  private final TerminalModel model;
  private final Canvas canvas = new Canvas();
  private final ScrollBar scrollBar = new ScrollBar();
  private final ContextMenu contextMenu = new ContextMenu();
  private final AnimationTimer timer;
  private final ObservableValue<Boolean> showing; // runs the timer while in a shown window
  private final String fontFamily = pickFontFamily();

  private final Object pendingLock = new Object();
  private byte[] pending = new byte[8192];
  private int pendingLength;
  private byte[] draining = new byte[8192];

  private Consumer<byte[]> inputHandler = bytes -> {};

  private double fontSize = DEFAULT_FONT_SIZE;
  private Font font;
  private Font boldFont;
  private double cellWidth;
  private double cellHeight;
  private double baseline;

  private int scrollOffset; // lines scrolled back from the bottom
  private boolean updatingScrollBar;
  private boolean fullRedraw = true;
  private int drawnCursorRow = -1;

  // Selection in line numbers (see TerminalModel.firstLineNumber) and column boundaries.
  private boolean selected;
  private long anchorLine;
  private int anchorCol;
  private long extentLine;
  private int extentCol;

  public TerminalView() {
    this(new TerminalModel(80, 24));
  }

  public TerminalView(TerminalModel model) {
    this.model = Objects.requireNonNull(model);
    model.setReplyHandler(this::send);
    getStyleClass().add("terminal-view");
    setFocusTraversable(true);
    setBackground(new Background(new BackgroundFill(XtermPalette.DEFAULT_BACKGROUND, null, null)));
    scrollBar.setOrientation(Orientation.VERTICAL);
    scrollBar.setMin(0);
    scrollBar.setUnitIncrement(1);
    scrollBar.setFocusTraversable(false);
    scrollBar.valueProperty().addListener((o, old, v) -> scrollBarMoved(v.doubleValue()));
    getChildren().addAll(canvas, scrollBar);
    applyFont();

    MenuItem copy = new MenuItem("Copy");
    copy.setOnAction(e -> copySelection());
    MenuItem paste = new MenuItem("Paste");
    paste.setOnAction(e -> paste());
    contextMenu.getItems().addAll(copy, paste);
    contextMenu.setOnShowing(e -> copy.setDisable(!selected));
    setOnContextMenuRequested(
        e -> {
          contextMenu.show(this, e.getScreenX(), e.getScreenY());
          e.consume();
        });

    addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
    addEventHandler(KeyEvent.KEY_TYPED, this::keyTyped);
    canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, this::mousePressed);
    canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::mouseDragged);
    addEventHandler(ScrollEvent.SCROLL, this::scrolled);
    focusedProperty().addListener((o, old, f) -> fullRedraw = true);

    timer =
        new AnimationTimer() {
          @Override
          public void handle(long now) {
            frame();
          }
        };
    showing =
        sceneProperty()
            .flatMap(Scene::windowProperty)
            .flatMap(Window::showingProperty)
            .orElse(false);
    showing.addListener(
        (o, was, is) -> {
          if (is) {
            timer.start();
          } else {
            timer.stop();
          }
        });
  }

  // ---- output ----

  /** Queue guest output; safe from any thread. It is shown on the next frame. */
  public void feed(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    synchronized (pendingLock) {
      if (len >= MAX_PENDING) {
        off += len - MAX_PENDING;
        len = MAX_PENDING;
        pendingLength = 0;
      } else if (pendingLength + len > MAX_PENDING) {
        int drop = pendingLength + len - MAX_PENDING;
        System.arraycopy(pending, drop, pending, 0, pendingLength - drop);
        pendingLength -= drop;
      }
      if (pendingLength + len > pending.length) {
        byte[] grown = new byte[Math.max(pendingLength + len, pending.length * 2)];
        System.arraycopy(pending, 0, grown, 0, pendingLength);
        pending = grown;
      }
      System.arraycopy(b, off, pending, pendingLength, len);
      pendingLength += len;
    }
  }

  public void feed(byte[] b) {
    feed(b, 0, b.length);
  }

  /**
   * Where keys, pastes and the model's replies go: bytes for the guest. Called on the FX thread.
   */
  public void setInputHandler(Consumer<byte[]> handler) {
    inputHandler = Objects.requireNonNull(handler);
  }

  /** The model; use it on the FX thread only. */
  public TerminalModel getModel() {
    return model;
  }

  /**
   * Apply pending output and redraw everything now (FX thread), so that a snapshot taken next shows
   * the current state without waiting for a frame.
   */
  public void requestRedraw() {
    drainPending();
    fullRedraw = true;
    draw();
  }

  private void frame() {
    if (drainPending() && scrollOffset != 0) {
      scrollOffset = 0; // new output snaps back to the bottom
      fullRedraw = true;
    }
    if (fullRedraw || model.isDirty()) {
      draw();
    }
  }

  private boolean drainPending() {
    byte[] buf;
    int len;
    synchronized (pendingLock) {
      if (pendingLength == 0) {
        return false;
      }
      buf = pending;
      len = pendingLength;
      pending = draining;
      pendingLength = 0;
    }
    model.feed(buf, 0, len);
    draining = buf.length > (1 << 20) ? new byte[8192] : buf;
    return true;
  }

  // ---- font and layout ----

  public double getFontSize() {
    return fontSize;
  }

  /** Set the font size in points (clamped to 6–72); the model is resized to fit. */
  public void setFontSize(double size) {
    double clamped = Math.max(MIN_FONT_SIZE, Math.min(MAX_FONT_SIZE, size));
    if (clamped != fontSize) {
      fontSize = clamped;
      applyFont();
    }
  }

  /** Width and height of one cell in pixels. */
  public double getCellWidth() {
    return cellWidth;
  }

  public double getCellHeight() {
    return cellHeight;
  }

  private void applyFont() {
    font = Font.font(fontFamily, FontWeight.NORMAL, fontSize);
    boldFont = Font.font(fontFamily, FontWeight.BOLD, fontSize);
    Text probe = new Text("MMMMMMMMMM");
    probe.setFont(font);
    Bounds b = probe.getLayoutBounds();
    cellWidth = Math.max(1, b.getWidth() / 10);
    cellHeight = Math.max(1, Math.ceil(b.getHeight()));
    baseline = Math.round(-b.getMinY());
    fullRedraw = true;
    requestLayout();
  }

  private static String pickFontFamily() {
    List<String> installed = Font.getFamilies();
    return FONT_FAMILIES.stream().filter(installed::contains).findFirst().orElse("Monospaced");
  }

  @Override
  protected double computePrefWidth(double height) {
    Insets in = getInsets();
    return in.getLeft() + 80 * cellWidth + scrollBar.prefWidth(-1) + in.getRight();
  }

  @Override
  protected double computePrefHeight(double width) {
    Insets in = getInsets();
    return in.getTop() + 24 * cellHeight + in.getBottom();
  }

  @Override
  protected double computeMinWidth(double height) {
    return 10 * cellWidth + scrollBar.minWidth(-1);
  }

  @Override
  protected double computeMinHeight(double width) {
    return 2 * cellHeight;
  }

  @Override
  protected void layoutChildren() {
    Insets in = getInsets();
    double w = getWidth() - in.getLeft() - in.getRight();
    double h = getHeight() - in.getTop() - in.getBottom();
    double bar = scrollBar.prefWidth(-1);
    double textWidth = Math.max(0, w - bar);
    scrollBar.resizeRelocate(in.getLeft() + textWidth, in.getTop(), bar, Math.max(0, h));
    canvas.relocate(in.getLeft(), in.getTop());
    if (canvas.getWidth() != textWidth || canvas.getHeight() != h) {
      canvas.setWidth(textWidth);
      canvas.setHeight(Math.max(0, h));
      fullRedraw = true;
    }
    if (textWidth >= cellWidth && h >= cellHeight) {
      int cols = (int) (textWidth / cellWidth);
      int rows = (int) (h / cellHeight);
      if (cols != model.columns() || rows != model.rows()) {
        model.resize(cols, rows);
        scrollOffset = Math.min(scrollOffset, model.scrollbackLineCount());
        fullRedraw = true;
      }
    }
    if (fullRedraw) {
      draw();
    }
  }

  // ---- scrolling ----

  /** How many lines the view is scrolled back from the bottom (0 = following output). */
  public int getScrollOffset() {
    return scrollOffset;
  }

  /** Scroll back ({@code lines} > 0) or forward through the scrollback. */
  public void scrollBy(int lines) {
    int offset = Math.max(0, Math.min(model.scrollbackLineCount(), scrollOffset + lines));
    if (offset != scrollOffset) {
      scrollOffset = offset;
      fullRedraw = true;
      draw();
    }
  }

  public void scrollToBottom() {
    scrollBy(-scrollOffset);
  }

  private void scrolled(ScrollEvent e) {
    double lines =
        e.getTextDeltaYUnits() == ScrollEvent.VerticalTextScrollUnits.LINES
            ? e.getTextDeltaY()
            : e.getDeltaY() / cellHeight;
    if (lines != 0) {
      int n = (int) Math.round(lines);
      scrollBy(n != 0 ? n : (int) Math.signum(lines));
    }
    e.consume();
  }

  private void scrollBarMoved(double value) {
    if (!updatingScrollBar) {
      scrollBy((int) Math.round(scrollBar.getMax() - value) - scrollOffset);
    }
  }

  private void updateScrollBar() {
    int history = model.scrollbackLineCount();
    updatingScrollBar = true;
    try {
      scrollBar.setMax(history);
      scrollBar.setValue(history - scrollOffset);
      int total = history + model.rows();
      scrollBar.setVisibleAmount(
          history == 0 ? 1 : Math.max(1.0, (double) history * model.rows() / total));
      scrollBar.setBlockIncrement(model.rows());
      scrollBar.setDisable(history == 0);
    } finally {
      updatingScrollBar = false;
    }
  }

  // ---- keys and paste ----

  /**
   * Keys the window's menus own, left unconsumed so their accelerators fire: Ctrl+Shift+letter
   * (other than copy and paste) and Alt+digit, as desktop terminals leave them to the app.
   */
  public static boolean reservedForApp(KeyCode k, boolean shift, boolean ctrl, boolean alt) {
    if (ctrl && shift && !alt && k.isLetterKey()) {
      return k != KeyCode.C && k != KeyCode.V;
    }
    return alt && !ctrl && k.isDigitKey();
  }

  private KeyCode lastReserved;

  private void keyPressed(KeyEvent e) {
    KeyCode k = e.getCode();
    if (reservedForApp(k, e.isShiftDown(), e.isControlDown(), e.isAltDown())) {
      lastReserved = k;
      return;
    }
    lastReserved = null;
    boolean ctrl = e.isControlDown();
    boolean shift = e.isShiftDown();
    boolean alt = e.isAltDown();
    boolean viewKey = true;
    if (ctrl && shift && !alt && k == KeyCode.C) {
      copySelection();
    } else if (ctrl && shift && !alt && k == KeyCode.V || shift && !ctrl && k == KeyCode.INSERT) {
      paste();
    } else if (ctrl && !alt && (k == KeyCode.PLUS || k == KeyCode.EQUALS || k == KeyCode.ADD)) {
      setFontSize(fontSize + 1);
    } else if (ctrl && !alt && !shift && (k == KeyCode.MINUS || k == KeyCode.SUBTRACT)) {
      setFontSize(fontSize - 1);
    } else if (ctrl && !alt && !shift && (k == KeyCode.DIGIT0 || k == KeyCode.NUMPAD0)) {
      setFontSize(DEFAULT_FONT_SIZE);
    } else if (shift && !ctrl && !alt && k == KeyCode.PAGE_UP) {
      scrollBy(model.rows() - 1);
    } else if (shift && !ctrl && !alt && k == KeyCode.PAGE_DOWN) {
      scrollBy(-(model.rows() - 1));
    } else {
      viewKey = false;
    }
    if (viewKey) {
      e.consume();
      return;
    }
    byte[] bytes = KeyEncoder.keyPressed(k, shift, ctrl, alt, model.isApplicationCursorKeys());
    if (bytes != null) {
      send(bytes);
      e.consume();
    }
  }

  private void keyTyped(KeyEvent e) {
    if (lastReserved != null) {
      lastReserved = null; // the character of a key the app owns: not for the guest
      e.consume();
      return;
    }
    byte[] bytes = KeyEncoder.keyTyped(e.getCharacter(), e.isControlDown(), e.isAltDown());
    if (bytes != null) {
      send(bytes);
      e.consume();
    }
  }

  private void send(byte[] bytes) {
    scrollToBottom();
    inputHandler.accept(bytes);
  }

  /** Paste the clipboard's text as if typed. */
  public void paste() {
    Clipboard clipboard = Clipboard.getSystemClipboard();
    if (clipboard.hasString()) {
      pasteText(clipboard.getString());
    }
  }

  /**
   * Send {@code text} as typed: line ends become CR, and with bracketed paste on the text is
   * wrapped in {@code ESC [200~ … ESC [201~} (with ESC removed from inside).
   */
  public void pasteText(String text) {
    String s = text.replace("\r\n", "\r").replace('\n', '\r');
    if (model.isBracketedPaste()) {
      s = "\033[200~" + s.replace("\033", "") + "\033[201~";
    }
    if (!s.isEmpty()) {
      send(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  // ---- selection ----

  private void mousePressed(MouseEvent e) {
    requestFocus();
    if (e.getButton() == MouseButton.PRIMARY) {
      clearSelection();
      anchorLine = lineNumberAt(e.getY());
      anchorCol = columnAt(e.getX());
      extentLine = anchorLine;
      extentCol = anchorCol;
      e.consume();
    }
  }

  private void mouseDragged(MouseEvent e) {
    if (!e.isPrimaryButtonDown()) {
      return;
    }
    if (e.getY() < 0) {
      scrollBy(1);
    } else if (e.getY() > canvas.getHeight()) {
      scrollBy(-1);
    }
    extentLine = lineNumberAt(e.getY());
    extentCol = columnAt(e.getX());
    selected = extentLine != anchorLine || extentCol != anchorCol;
    fullRedraw = true;
    draw();
    e.consume();
  }

  private long lineNumberAt(double y) {
    int row = Math.max(0, Math.min(model.rows() - 1, (int) Math.floor(y / cellHeight)));
    return model.firstLineNumber() + topRow() + row;
  }

  private int columnAt(double x) {
    return Math.max(0, Math.min(model.columns(), (int) Math.round(x / cellWidth)));
  }

  /** The absolute row (see {@link TerminalModel#lineAt}) shown at the top of the view. */
  private int topRow() {
    return model.scrollbackLineCount() - scrollOffset;
  }

  /**
   * Select from one cell boundary to another, in absolute rows (see {@link TerminalModel#lineAt}):
   * row, column boundary (0 = before the first cell).
   */
  public void select(int startRow, int startCol, int endRow, int endCol) {
    anchorLine = model.firstLineNumber() + startRow;
    anchorCol = startCol;
    extentLine = model.firstLineNumber() + endRow;
    extentCol = endCol;
    selected = true;
    fullRedraw = true;
  }

  public void clearSelection() {
    if (selected) {
      selected = false;
      fullRedraw = true;
    }
  }

  public boolean hasSelection() {
    return selected;
  }

  /** The selected text, "" when nothing is selected. */
  public String getSelectedText() {
    if (!selected) {
      return "";
    }
    long first = model.firstLineNumber();
    return model.text(
        (int) Math.max(0, anchorLine - first),
        anchorLine < first ? 0 : anchorCol,
        (int) Math.max(0, extentLine - first),
        extentLine < first ? 0 : extentCol);
  }

  /** Put the selected text on the system clipboard; false when nothing is selected. */
  public boolean copySelection() {
    String text = getSelectedText();
    if (text.isEmpty()) {
      return false;
    }
    ClipboardContent content = new ClipboardContent();
    content.putString(text);
    Clipboard.getSystemClipboard().setContent(content);
    return true;
  }

  private boolean isSelected(long line, int col) {
    if (!selected) {
      return false;
    }
    long sl = anchorLine;
    int sc = anchorCol;
    long el = extentLine;
    int ec = extentCol;
    if (el < sl || el == sl && ec < sc) {
      sl = extentLine;
      sc = extentCol;
      el = anchorLine;
      ec = anchorCol;
    }
    if (line < sl || line > el) {
      return false;
    }
    return (line > sl || col >= sc) && (line < el || col < ec);
  }

  // ---- drawing ----

  private void draw() {
    updateScrollBar();
    int rows = model.rows();
    int from = 0;
    int to = rows - 1;
    boolean cursorShown = model.isCursorVisible() && scrollOffset == 0;
    int cursorRow = cursorShown ? model.cursorRow() : -1;
    if (!fullRedraw) {
      from = Integer.MAX_VALUE;
      to = -1;
      if (model.isDirty()) {
        from = model.dirtyTop();
        to = model.dirtyBottom();
      }
      for (int r : new int[] {drawnCursorRow, cursorRow}) {
        if (r >= 0) {
          from = Math.min(from, r);
          to = Math.max(to, r);
        }
      }
      to = Math.min(to, rows - 1);
    }
    fullRedraw = false;
    model.clearDirty();
    if (canvas.getWidth() <= 0 || canvas.getHeight() <= 0) {
      return;
    }
    GraphicsContext g = canvas.getGraphicsContext2D();
    if (from == 0 && to == rows - 1) {
      g.setFill(XtermPalette.DEFAULT_BACKGROUND);
      g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
    }
    int top = topRow();
    long firstLine = model.firstLineNumber();
    for (int r = from; r <= to; r++) {
      drawRow(g, r, model.lineAt(top + r), firstLine + top + r, r == cursorRow);
    }
    drawnCursorRow = cursorRow;
  }

  private void drawRow(
      GraphicsContext g, int row, TerminalLine line, long lineNumber, boolean cursor) {
    int cols = model.columns();
    double y = row * cellHeight;
    g.setFill(XtermPalette.DEFAULT_BACKGROUND);
    g.fillRect(0, y, canvas.getWidth(), cellHeight);
    int len = Math.min(cols, line.length());
    // Backgrounds, in runs of one colour.
    int runStart = 0;
    Color runColor = null;
    for (int c = 0; c <= len; c++) {
      Color bg = c < len ? cellBackground(line, c, lineNumber) : null;
      if (c == len || !bg.equals(runColor)) {
        if (runColor != null && runColor != XtermPalette.DEFAULT_BACKGROUND) {
          fillCells(g, runStart, c, y, runColor);
        }
        runStart = c;
        runColor = bg;
      }
    }
    // Glyphs, in runs of one colour and weight; non-ASCII characters one at a time.
    StringBuilder run = new StringBuilder();
    int start = 0;
    Color runFg = null;
    int runAttrs = 0;
    for (int c = 0; c <= len; c++) {
      int cp = c < len ? line.codepoint(c) : 0;
      Color fg = c < len ? cellForeground(line, c) : null;
      int attrs = c < len ? line.attributes(c) & (CellStyle.BOLD | CellStyle.UNDERLINE) : 0;
      boolean breaks =
          c == len || cp > 0x7E || fg != runFg && !fg.equals(runFg) || attrs != runAttrs;
      if (breaks && run.length() > 0) {
        drawText(g, run.toString(), start, y, runFg, runAttrs);
        run.setLength(0);
      }
      if (c == len) {
        break;
      }
      if (run.length() == 0) {
        start = c;
        runFg = fg;
        runAttrs = attrs;
      }
      if (cp > 0x7E) {
        drawText(g, new String(Character.toChars(cp)), c, y, fg, attrs);
      } else {
        run.append(cp <= ' ' ? ' ' : (char) cp);
      }
    }
    if (cursor && model.cursorColumn() < cols) {
      drawCursor(g, line, row, y);
    }
  }

  private void drawCursor(GraphicsContext g, TerminalLine line, int row, double y) {
    int c = model.cursorColumn();
    double x = Math.floor(c * cellWidth);
    double w = Math.max(1, Math.floor((c + 1) * cellWidth) - x);
    if (isFocused()) {
      g.setFill(XtermPalette.CURSOR);
      g.fillRect(x, y, w, cellHeight);
      int cp = c < line.length() ? line.codepoint(c) : 0;
      if (cp > ' ') {
        int attrs = line.attributes(c) & CellStyle.BOLD;
        drawText(
            g, new String(Character.toChars(cp)), c, y, XtermPalette.DEFAULT_BACKGROUND, attrs);
      }
    } else {
      g.setStroke(XtermPalette.CURSOR);
      g.setLineWidth(1);
      g.strokeRect(x + 0.5, y + 0.5, w - 1, cellHeight - 1);
    }
  }

  private void fillCells(GraphicsContext g, int from, int to, double y, Color color) {
    double x0 = Math.floor(from * cellWidth);
    double x1 = to >= model.columns() ? canvas.getWidth() : Math.floor(to * cellWidth);
    g.setFill(color);
    g.fillRect(x0, y, x1 - x0, cellHeight);
  }

  private void drawText(GraphicsContext g, String s, int col, double y, Color fg, int attrs) {
    double x = col * cellWidth;
    g.setFont((attrs & CellStyle.BOLD) != 0 ? boldFont : font);
    g.setFill(fg);
    if (!s.isBlank()) {
      g.fillText(s, x, y + baseline);
    }
    if ((attrs & CellStyle.UNDERLINE) != 0) {
      g.fillRect(
          Math.floor(x),
          y + baseline + 1,
          Math.ceil(s.codePointCount(0, s.length()) * cellWidth),
          1);
    }
  }

  private Color cellBackground(TerminalLine line, int c, long lineNumber) {
    if (isSelected(lineNumber, c)) {
      return XtermPalette.SELECTION;
    }
    int attrs = line.attributes(c);
    return (attrs & CellStyle.INVERSE) != 0
        ? XtermPalette.color(line.foreground(c), XtermPalette.DEFAULT_FOREGROUND)
        : XtermPalette.color(line.background(c), XtermPalette.DEFAULT_BACKGROUND);
  }

  private Color cellForeground(TerminalLine line, int c) {
    int attrs = line.attributes(c);
    Color fg =
        (attrs & CellStyle.INVERSE) != 0
            ? XtermPalette.color(line.background(c), XtermPalette.DEFAULT_BACKGROUND)
            : XtermPalette.color(line.foreground(c), XtermPalette.DEFAULT_FOREGROUND);
    if ((attrs & CellStyle.DIM) != 0) {
      fg = fg.interpolate(XtermPalette.DEFAULT_BACKGROUND, 0.4);
    }
    return fg;
  }
}
