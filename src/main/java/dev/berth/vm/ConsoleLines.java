package dev.berth.vm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Console bytes as the lines a user reads: split at line feeds, carriage returns, escape sequences
 * and other control characters dropped, runs of spaces made one, blank lines skipped, each cut at
 * {@link #MAX_CHARS}. Not thread-safe: one console thread feeds it.
 */
final class ConsoleLines {
  static final int MAX_CHARS = 160;

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private int escape; // 0: text; 1: after ESC; 2: inside a CSI sequence
  private boolean blank; // the last byte kept was a blank

  /** The lines {@code b} completes. */
  List<String> feed(byte[] b, int off, int len) {
    List<String> out = new ArrayList<>();
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xff;
      if (escape == 1) {
        escape = c == '[' ? 2 : 0;
        continue;
      }
      if (escape == 2) {
        if (c >= 0x40 && c <= 0x7e) {
          escape = 0;
        }
        continue;
      }
      if (c == 0x1b) {
        escape = 1;
      } else if (c == '\n') {
        // runs of blanks were made one as they came, so only the ends are left to trim
        String s = new String(line.toByteArray(), StandardCharsets.UTF_8).strip();
        line.reset();
        blank = false;
        if (!s.isEmpty()) {
          out.add(s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "…" : s);
        }
      } else if (c == ' ' || c == '\t') {
        // no regular expression per line: the whole console passes through here
        if (!blank && line.size() < MAX_CHARS * 4) {
          line.write(' ');
        }
        blank = true;
      } else if (c >= 0x20 && c != 0x7f) {
        if (line.size() < MAX_CHARS * 4) {
          line.write(c);
        }
        blank = false;
      }
    }
    return out;
  }

  /** True while a line has begun and not ended. */
  boolean pending() {
    return line.size() > 0;
  }
}
