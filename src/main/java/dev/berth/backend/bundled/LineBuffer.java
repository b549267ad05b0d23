package dev.berth.backend.bundled;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into lines of at most {@code max} bytes. A longer line is reported once, as
 * soon as it is too long, and the rest of it is skipped without being kept.
 */
final class LineBuffer {
  enum Result {
    /** The input ran out inside a line. */
    PARTIAL,
    /** A line ended: {@link #text()} has it. */
    COMPLETE,
    /** The line grew past the limit: it is being skipped to its newline. */
    OVERLONG
  }

  private final int max;
  private byte[] bytes = new byte[256];
  private int length;
  private boolean skipping;
  private String text;

  LineBuffer(int max) {
    this.max = max;
  }

  /** Consumes bytes of {@code in} up to and including the next newline, or until it is empty. */
  Result take(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        if (skipping) {
          skipping = false;
          continue; // the end of the refused line: nothing to answer
        }
        text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        length = 0;
        return Result.COMPLETE;
      }
      if (skipping) {
        continue;
      }
      if (length == max) {
        skipping = true;
        length = 0;
        bytes = new byte[256]; // let the big array go
        return Result.OVERLONG;
      }
      if (length == bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(max, bytes.length * 2));
      }
      bytes[length++] = b;
    }
    return Result.PARTIAL;
  }

  /** The line last completed (without its newline; malformed UTF-8 replaced). */
  String text() {
    return text;
  }

  /** Text after the last newline (what a client sent last before its EOF), or null. */
  String rest() {
    if (skipping || length == 0) {
      return null;
    }
    String rest = new String(bytes, 0, length, StandardCharsets.UTF_8);
    length = 0;
    return rest;
  }
}
