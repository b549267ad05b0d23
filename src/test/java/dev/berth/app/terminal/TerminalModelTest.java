package dev.berth.app.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TerminalModelTest {
  private final TerminalModel m = new TerminalModel(20, 5);

  private void assertCursor(int row, int col) {
    assertEquals(row + ":" + col, m.cursorRow() + ":" + m.cursorColumn(), "cursor row:col");
  }

  private String row(int r) {
    return m.line(r).text();
  }

  @Test
  void plainTextAndCursor() {
    m.feed("hello");
    assertEquals("hello", m.text());
    assertCursor(0, 5);
    assertEquals('h', m.codepoint(0, 0));
    assertEquals(0, m.codepoint(0, 5)); // never written
  }

  @Test
  void carriageReturnLineFeedBackspaceTab() {
    m.feed("abc\rX");
    assertEquals("Xbc", row(0));
    m.feed("\n1"); // LF keeps the column
    assertEquals(" 1", row(1));
    m.feed("\r\nab\bX");
    assertEquals("aX", row(2));
    m.feed("\r\na\tb\tc\t\td");
    assertEquals("a       b       c  d", row(3)); // the third tab stops at the last column
    m.feed("\r\n\b\bz");
    assertEquals("z", row(4)); // BS stops at column 0
  }

  @Test
  void autowrapWithPendingWrap() {
    m.feed("abcdefghijklmnopqrst"); // exactly 20
    assertCursor(0, 19); // wrap is pending, not done
    m.feed("\r\nx");
    assertEquals("abcdefghijklmnopqrst\nx", m.text());
    assertFalse(m.line(0).isWrapped());

    m.feed("\033[2J\033[H0123456789012345678901234");
    assertEquals("01234567890123456789", row(0));
    assertEquals("01234", row(1));
    assertTrue(m.line(0).isWrapped());
    assertCursor(1, 5);
  }

  @Test
  void autowrapOffOverwritesTheLastColumn() {
    m.feed("\033[?7l0123456789012345678901234");
    assertFalse(m.isAutowrap());
    assertEquals("01234567890123456784", row(0));
    assertEquals("", row(1));
    m.feed("\033[?7h");
    assertTrue(m.isAutowrap());
  }

  @Test
  void linesScrollIntoTheScrollback() {
    for (int i = 1; i <= 7; i++) {
      m.feed("line " + i + "\r\n");
    }
    assertEquals(3, m.scrollbackLineCount());
    assertEquals("line 1", m.scrollbackLine(0).text());
    assertEquals("line 3", m.scrollbackLine(2).text());
    assertEquals("line 4\nline 5\nline 6\nline 7", m.text());
    assertEquals(8, m.totalLines());
    assertEquals("line 4", m.lineAt(3).text());
  }

  @Test
  void cursorMovement() {
    m.feed("\033[3;4H");
    assertCursor(2, 3);
    m.feed("\033[A");
    assertCursor(1, 3);
    m.feed("\033[2B");
    assertCursor(3, 3);
    m.feed("\033[5C");
    assertCursor(3, 8);
    m.feed("\033[3D");
    assertCursor(3, 5);
    m.feed("\033[99C");
    assertCursor(3, 19);
    m.feed("\033[99A");
    assertCursor(0, 19);
    m.feed("\033[2E");
    assertCursor(2, 0);
    m.feed("\033[5G");
    assertCursor(2, 4);
    m.feed("\033[F");
    assertCursor(1, 0);
    m.feed("\033[4d");
    assertCursor(3, 0);
    m.feed("\033[2;7f");
    assertCursor(1, 6);
    m.feed("\033[H");
    assertCursor(0, 0);
    m.feed("\033[0;0H\033[99;99H");
    assertCursor(4, 19);
  }

  @Test
  void eraseInDisplayAndLine() {
    fillScreen();
    m.feed("\033[3;5H\033[K");
    assertEquals("cccc", row(2));
    m.feed("\033[1K");
    assertEquals("", row(2));
    m.feed("\033[2;3H\033[0J");
    assertEquals("aaaaaaaaaaaaaaaaaaaa\nbb", m.text());
    fillScreen();
    m.feed("\033[3;3H\033[1J");
    assertEquals("", row(0));
    assertEquals("", row(1));
    assertEquals("   ccccccccccccccccc", row(2));
    m.feed("\033[2J");
    assertEquals("", m.text());
    fillScreen();
    m.feed("\033[1;3H\033[2K");
    assertEquals("", row(0));
    assertEquals("bbbbbbbbbbbbbbbbbbbb", row(1));
  }

  @Test
  void eraseDisplay3ClearsTheScrollback() {
    for (int i = 0; i < 10; i++) {
      m.feed("x\r\n");
    }
    assertEquals(6, m.scrollbackLineCount());
    long before = m.firstLineNumber();
    m.feed("\033[3J");
    assertEquals(0, m.scrollbackLineCount());
    assertEquals(before + 6, m.firstLineNumber());
    assertEquals("x\nx\nx\nx", m.text()); // the screen stays
  }

  @Test
  void eraseUsesTheCurrentBackground() {
    m.feed("\033[44m\033[2J");
    assertEquals(4, m.background(3, 7));
    assertEquals(CellStyle.DEFAULT_COLOR, m.foreground(3, 7));
  }

  @Test
  void insertDeleteAndEraseCharacters() {
    m.feed("abcdefghij\033[1;3H\033[2@");
    assertEquals("ab  cdefghij", row(0));
    m.feed("\033[3P");
    assertEquals("abdefghij", row(0));
    m.feed("\033[2X");
    assertEquals("ab  fghij", row(0));
    assertCursor(0, 2);
  }

  @Test
  void insertAndDeleteLines() {
    fillScreen();
    m.feed("\033[2;5H\033[L");
    assertEquals("aaaaaaaaaaaaaaaaaaaa", row(0));
    assertEquals("", row(1));
    assertEquals("bbbbbbbbbbbbbbbbbbbb", row(2));
    assertEquals("dddddddddddddddddddd", row(4));
    assertCursor(1, 0);
    m.feed("\033[2M");
    assertEquals("cccccccccccccccccccc", row(1));
    assertEquals("dddddddddddddddddddd", row(2));
    assertEquals("", row(3));
    assertEquals("", row(4));
    assertEquals(0, m.scrollbackLineCount());
  }

  @Test
  void scrollRegionAndScrollUpDown() {
    fillScreen();
    m.feed("\033[2;4r");
    assertCursor(0, 0); // DECSTBM homes the cursor
    m.feed("\033[4;1H\n"); // LF at the bottom margin scrolls the region only
    assertEquals("aaaaaaaaaaaaaaaaaaaa", row(0));
    assertEquals("cccccccccccccccccccc", row(1));
    assertEquals("dddddddddddddddddddd", row(2));
    assertEquals("", row(3));
    assertEquals("eeeeeeeeeeeeeeeeeeee", row(4));
    assertEquals(0, m.scrollbackLineCount());
    m.feed("\033[T");
    assertEquals("", row(1));
    assertEquals("cccccccccccccccccccc", row(2));
    m.feed("\033[r\033[S");
    assertEquals("", row(0));
    assertEquals("cccccccccccccccccccc", row(1));
    assertEquals(1, m.scrollbackLineCount()); // SU over the full screen keeps the line
    assertEquals("aaaaaaaaaaaaaaaaaaaa", m.scrollbackLine(0).text());
  }

  @Test
  void reverseIndexAtTheTopScrollsDown() {
    m.feed("one\r\ntwo\033[H\033M");
    assertEquals("\none\ntwo", m.text());
    assertCursor(0, 0);
  }

  @Test
  void saveAndRestoreCursor() {
    m.feed("\033[2;3H\033[1;31m\0337\033[H\033[0m\0338X");
    assertCursor(1, 3);
    assertEquals(1, m.foreground(1, 2));
    assertEquals(CellStyle.BOLD, m.attributes(1, 2));
    m.feed("\033[4;5H\033[s\033[H\033[u");
    assertCursor(3, 4);
  }

  @Test
  void sgrBaseColoursAndAttributes() {
    m.feed("\033[31ma\033[1;4;7mb\033[0mc\033[92;103md\033[39;49me\033[2mf\033[22;24;27mg");
    assertEquals(1, m.foreground(0, 0));
    assertEquals(CellStyle.BOLD | CellStyle.UNDERLINE | CellStyle.INVERSE, m.attributes(0, 1));
    assertEquals(1, m.foreground(0, 1));
    assertEquals(CellStyle.DEFAULT_COLOR, m.foreground(0, 2));
    assertEquals(0, m.attributes(0, 2));
    assertEquals(10, m.foreground(0, 3));
    assertEquals(11, m.background(0, 3));
    assertEquals(CellStyle.DEFAULT_COLOR, m.foreground(0, 4));
    assertEquals(CellStyle.DEFAULT_COLOR, m.background(0, 4));
    assertEquals(CellStyle.DIM, m.attributes(0, 5));
    assertEquals(0, m.attributes(0, 6));
    m.feed("\033[47;30mh\033[mi");
    assertEquals(0, m.foreground(0, 7));
    assertEquals(7, m.background(0, 7));
    assertEquals(CellStyle.DEFAULT_COLOR, m.background(0, 8));
  }

  @Test
  void sgr256AndTruecolour() {
    m.feed("\033[38;5;200;48;5;17ma");
    assertEquals(200, m.foreground(0, 0));
    assertEquals(17, m.background(0, 0));
    m.feed("\033[38;2;1;2;3;48;2;250;128;0mb");
    assertEquals(CellStyle.rgb(1, 2, 3), m.foreground(0, 1));
    assertTrue(CellStyle.isRgb(m.foreground(0, 1)));
    assertEquals(CellStyle.rgb(250, 128, 0), m.background(0, 1));
    m.feed("\033[38:2::10:20:30;1mc\033[48:5:99md");
    assertEquals(CellStyle.rgb(10, 20, 30), m.foreground(0, 2));
    assertEquals(CellStyle.BOLD, m.attributes(0, 2));
    assertEquals(99, m.background(0, 3));
    m.feed("\033[0;38;5;999;1me"); // out of range: ignored, the rest applies
    assertEquals(CellStyle.DEFAULT_COLOR, m.foreground(0, 4));
    assertEquals(CellStyle.BOLD, m.attributes(0, 4));
  }

  @Test
  void deviceStatusReportsReply() {
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    m.setReplyHandler(replies::writeBytes);
    m.feed("\033[3;5H\033[6n");
    assertEquals("\033[3;5R", replies.toString(StandardCharsets.US_ASCII));
    replies.reset();
    m.feed("\033[5n");
    assertEquals("\033[0n", replies.toString(StandardCharsets.US_ASCII));
    replies.reset();
    m.feed("\033[c");
    assertEquals("\033[?1;2c", replies.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void utf8SplitAcrossFeeds() {
    byte[] b = "é€😀ok".getBytes(StandardCharsets.UTF_8);
    for (byte x : b) {
      m.feed(new byte[] {x}, 0, 1);
    }
    assertEquals("é€😀ok", m.text());
    assertEquals(0x1F600, m.codepoint(0, 2));
    assertCursor(0, 5);
  }

  @Test
  void invalidUtf8BecomesReplacementCharacters() {
    m.feed(new byte[] {'a', (byte) 0xFF, 'b', (byte) 0xC3, 'c', (byte) 0xC0, (byte) 0xAF, 'd'});
    assertEquals("a\uFFFDb\uFFFDc\uFFFD\uFFFDd", m.text());
    m.feed(new byte[] {'\r', '\n', (byte) 0xE2, (byte) 0x82, 0x1B, '[', 'm', 'e'}); // cut by ESC
    assertEquals("\uFFFDe", row(1));
    m.feed(new byte[] {'\r', '\n', (byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a surrogate
    assertEquals("\uFFFD\uFFFD\uFFFD", row(2));
  }

  @Test
  void scrollbackKeepsTenThousandLines() {
    TerminalModel t = new TerminalModel(80, 24);
    assertTrue(t.scrollbackCapacity() >= 10_000);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12_000; i++) {
      sb.append("line ").append(i).append("\r\n");
    }
    t.feed(sb.toString());
    assertEquals(10_000, t.scrollbackLineCount());
    // 12,000 lines + the empty cursor line: 23 lines on screen, the 10,000 before them kept.
    assertEquals("line 1977", t.scrollbackLine(0).text());
    assertEquals("line 11976", t.scrollbackLine(9_999).text());
    assertEquals("line 11977", t.line(0).text());
    assertEquals(1977, t.firstLineNumber());

    TerminalModel small = new TerminalModel(10, 2, 3);
    small.feed("1\r\n2\r\n3\r\n4\r\n5\r\n6");
    assertEquals(3, small.scrollbackLineCount());
    assertEquals("2", small.scrollbackLine(0).text());
  }

  @Test
  void oscAndUnknownSequencesAreConsumed() {
    m.feed("a\033]0;my title\007b\033]2;other\033\\c");
    assertEquals("abc", m.text());
    assertEquals("other", m.title());
    m.feed("\033[?1000h\033(B\033P1;2qsixel\033\\d\033[>0c\033[1 q\033[99y\033#8e\033_apc\007f");
    assertEquals("abcdef", m.text());
    m.feed("\007\007");
    assertEquals(2, m.bellCount());
    m.feed("\033[12;\0303xyz");
    assertEquals("abcdef3xyz", m.text()); // CAN aborts the sequence
  }

  @Test
  void cursorVisibilityAndModes() {
    assertTrue(m.isCursorVisible());
    m.feed("\033[?25l");
    assertFalse(m.isCursorVisible());
    m.feed("\033[?25h\033[?1h\033[?2004h");
    assertTrue(m.isCursorVisible());
    assertTrue(m.isApplicationCursorKeys());
    assertTrue(m.isBracketedPaste());
  }

  @Test
  void alternateScreenKeepsTheMainScreen() {
    m.feed("main\033[?1049h");
    assertTrue(m.isAlternateScreen());
    assertEquals("", m.text());
    m.feed("\033[2;2Halt");
    m.feed("\033[?1049l");
    assertEquals("main", m.text());
    assertCursor(0, 4);
  }

  @Test
  void lineDrawingCharset() {
    m.feed("\033(0lqk\033(Bq");
    assertEquals("┌─┐q", m.text());
  }

  @Test
  void fullReset() {
    m.feed("\033[31mabc\033[?25l\033[2;4r\033c");
    assertEquals("", m.text());
    assertCursor(0, 0);
    assertTrue(m.isCursorVisible());
    m.feed("x");
    assertEquals(CellStyle.DEFAULT_COLOR, m.foreground(0, 0));
  }

  @Test
  void resizeMovesRowsThroughTheScrollback() {
    for (int i = 1; i <= 5; i++) {
      m.feed("r" + i + (i < 5 ? "\r\n" : ""));
    }
    m.resize(10, 3);
    assertEquals(10, m.columns());
    assertEquals(3, m.rows());
    assertEquals("r3\nr4\nr5", m.text());
    assertEquals(2, m.scrollbackLineCount());
    assertCursor(2, 2);
    m.resize(30, 5);
    assertEquals("r1\nr2\nr3\nr4\nr5", m.text());
    assertEquals(0, m.scrollbackLineCount());
    assertCursor(4, 2);
    m.feed("\033[H\033[2J" + "x".repeat(30));
    m.resize(8, 5);
    assertEquals("xxxxxxxx", row(0));
    assertEquals("xxxxxx", row(3), "the 30 characters re-wrapped to 8 columns");
    assertCursor(3, 6);
  }

  @Test
  void narrowingThenWideningReflowsAndLosesNothing() {
    String a = "the quick brown fox jumps over it"; // 33: wraps at 20
    m.feed("0123456789abcdef\r\n" + a + "\r\nok\r\n$ ");
    String all = "0123456789abcdef\n" + a + "\nok\n$";
    m.resize(10, 5);
    assertEquals(all, m.text(0, 0, m.totalLines() - 1, 10).strip(), "re-wrapped, not cut");
    assertEquals(3, m.scrollbackLineCount(), "8 rows at 10 columns");
    m.resize(20, 5);
    assertEquals(all, m.text(0, 0, m.totalLines() - 1, 20).strip());
    assertEquals(0, m.scrollbackLineCount());
    assertCursor(4, 2);
    m.feed("x");
    assertEquals("$ x", row(4), "the cursor stayed after the prompt");
    m.resize(40, 5);
    assertEquals(a, row(1));
  }

  @Test
  void shrinkingDropsBlankRowsBelowTheCursorFirst() {
    m.feed("top");
    m.resize(20, 2);
    assertEquals("top", m.text());
    assertEquals(0, m.scrollbackLineCount());
  }

  @Test
  void selectionTextJoinsWrappedLines() {
    m.feed("first line\r\n" + "abcdefghijklmnopqrstuvwxyz" + "\r\nlast");
    // rows: "first line", "abcdefghijklmnopqrst" (wrapped), "uvwxyz", "last"
    assertEquals("line\nabcdefghijklmnopqrstuvwxyz\nla", m.text(0, 6, 3, 2));
    assertEquals("line\nabcdefghijklmnopqrstuvwxyz\nla", m.text(3, 2, 0, 6)); // either order
    assertEquals("cde", m.text(1, 2, 1, 5));
  }

  @Test
  void dirtyRowsAreTracked() {
    m.clearDirty();
    assertFalse(m.isDirty());
    m.feed("\033[3;1Hx");
    assertTrue(m.isDirty());
    assertEquals(2, m.dirtyTop());
    assertEquals(2, m.dirtyBottom());
    m.clearDirty();
    m.feed("\033[5;1H\n");
    assertEquals(0, m.dirtyTop());
    assertEquals(4, m.dirtyBottom());
  }

  @Test
  void repeatAndTabStops() {
    m.feed("ab\033[3b");
    assertEquals("abbbb", row(0));
    m.feed("\r\n\033[3g\033[2;5H\033H\r\tx\033[Zy\tz");
    assertEquals("    y" + " ".repeat(14) + "z", row(1)); // one stop at column 4, then the edge
  }

  @Test
  void randomBytesNeverThrow() {
    Random random = new Random(42);
    byte[] alphabet =
        "\033[];:?0123456789mHJKABCDr\r\n\b\t\007\\hlPX@LM".getBytes(StandardCharsets.US_ASCII);
    for (int round = 0; round < 300; round++) {
      TerminalModel t = new TerminalModel(1 + random.nextInt(100), 1 + random.nextInt(40), 50);
      t.setReplyHandler(reply -> {});
      byte[] data = new byte[2 + random.nextInt(20_000)];
      for (int i = 0; i < data.length; i++) {
        data[i] =
            random.nextInt(3) == 0
                ? alphabet[random.nextInt(alphabet.length)]
                : (byte) random.nextInt(256);
      }
      int off = 0;
      while (off < data.length) {
        int n = Math.min(data.length - off, 1 + random.nextInt(300));
        t.feed(data, off, n);
        off += n;
        if (random.nextInt(20) == 0) {
          t.resize(1 + random.nextInt(100), 1 + random.nextInt(40));
        }
        assertTrue(t.cursorRow() >= 0 && t.cursorRow() < t.rows());
        assertTrue(t.cursorColumn() >= 0 && t.cursorColumn() < t.columns());
      }
      t.text();
      t.text(0, 0, t.totalLines() - 1, t.columns());
    }
  }

  @Test
  void replyBytesAreExact() {
    byte[][] got = new byte[1][];
    m.setReplyHandler(b -> got[0] = b);
    m.feed("\033[6n");
    assertArrayEquals("\033[1;1R".getBytes(StandardCharsets.US_ASCII), got[0]);
  }

  private void fillScreen() {
    m.feed("\033[H");
    for (char c = 'a'; c <= 'e'; c++) {
      m.feed(String.valueOf(c).repeat(20) + (c < 'e' ? "\r\n" : ""));
    }
  }
}
