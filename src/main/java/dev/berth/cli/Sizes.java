package dev.berth.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses memory sizes the way QEMU's {@code -m} does: a number with an optional K/M/G suffix. */
final class Sizes {
  private Sizes() {}

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?");

  /**
   * Bytes for {@code text}; a bare number means MiB, as with {@code qemu -m}.
   *
   * @throws IllegalArgumentException with a one-line message if the text is not a size
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a memory size (examples: 128M, 1G, 256)");
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> 10;
          case "G" -> 30;
          case "T" -> 40;
          default -> 20;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new IllegalArgumentException("'" + text + "' is too large");
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large", e);
    }
  }
}
