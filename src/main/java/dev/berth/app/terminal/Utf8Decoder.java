package dev.berth.app.terminal;

/**
 * A streaming UTF-8 decoder that keeps its state between calls, so a character may be split across
 * chunks. Invalid input (stray continuation bytes, overlong forms, surrogates, values above
 * U+10FFFF, truncated sequences) decodes to U+FFFD, one per maximal invalid subpart as the Unicode
 * standard recommends.
 */
final class Utf8Decoder {
  static final int REPLACEMENT = 0xFFFD;

  /** {@link #accept} needs more bytes. */
  static final int NEED_MORE = -1;

  /**
   * {@link #accept}: the sequence in progress was cut short; emit U+FFFD, then pass the same byte
   * to {@link #accept} again.
   */
  static final int RETRY = -2;

  private int codepoint;
  private int remaining;
  private int lower = 0x80;
  private int upper = 0xBF;

  /** True while a multi-byte sequence is incomplete. */
  boolean inSequence() {
    return remaining != 0;
  }

  /** Drop an incomplete sequence (the caller emits U+FFFD for it). */
  void reset() {
    remaining = 0;
    lower = 0x80;
    upper = 0xBF;
  }

  /** Feed one byte (0–255): a codepoint, {@link #NEED_MORE} or {@link #RETRY}. */
  int accept(int b) {
    if (remaining == 0) {
      if (b < 0x80) {
        return b;
      } else if (b >= 0xC2 && b <= 0xDF) {
        remaining = 1;
        codepoint = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        remaining = 2;
        codepoint = b & 0x0F;
        if (b == 0xE0) {
          lower = 0xA0; // overlong
        } else if (b == 0xED) {
          upper = 0x9F; // surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        remaining = 3;
        codepoint = b & 0x07;
        if (b == 0xF0) {
          lower = 0x90; // overlong
        } else if (b == 0xF4) {
          upper = 0x8F; // above U+10FFFF
        }
      } else {
        return REPLACEMENT; // stray continuation byte, C0/C1, F5–FF
      }
      return NEED_MORE;
    }
    if (b < lower || b > upper) {
      reset();
      return RETRY;
    }
    lower = 0x80;
    upper = 0xBF;
    codepoint = codepoint << 6 | (b & 0x3F);
    return --remaining == 0 ? codepoint : NEED_MORE;
  }
}
