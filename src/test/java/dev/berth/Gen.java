package dev.berth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generators for the fuzzing properties ({@link Fuzz}): each draws one value from the case's {@link
 * Random}. Sizes and lengths hit their bounds more often than evenly, as edge cases do.
 */
public final class Gen {
  private Gen() {}

  /** An int in {@code [min, max]}. */
  public static int between(Random r, int min, int max) {
    return min + r.nextInt(max - min + 1);
  }

  /** A size in {@code [min, max]}: one time in ten the smallest, one in ten the largest. */
  public static int size(Random r, int min, int max) {
    int roll = r.nextInt(10);
    return roll == 0 ? min : roll == 1 ? max : between(r, min, max);
  }

  /** One of {@code from}. */
  public static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** Between {@code min} and {@code max} values from {@code element}. */
  public static <T> List<T> listOf(Random r, int min, int max, Function<Random, T> element) {
    int n = size(r, min, max);
    List<T> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(element.apply(r));
    }
    return list;
  }

  /** Up to {@code maxSize} bytes, any values. */
  public static byte[] bytes(Random r, int maxSize) {
    byte[] b = new byte[size(r, 0, maxSize)];
    r.nextBytes(b);
    return b;
  }

  /** Up to {@code maxLength} chars in {@code [from, to]}. */
  public static String string(Random r, int maxLength, char from, char to) {
    StringBuilder s = new StringBuilder();
    for (int n = size(r, 0, maxLength); n > 0; n--) {
      s.append((char) between(r, from, to));
    }
    return s.toString();
  }

  /**
   * Up to {@code maxLength} chars of any value, lone surrogates and noncharacters included; half of
   * them ASCII (controls too), so text that nearly parses turns up.
   */
  public static String string(Random r, int maxLength) {
    StringBuilder s = new StringBuilder();
    for (int n = size(r, 0, maxLength); n > 0; n--) {
      s.append((char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0x10000)));
    }
    return s.toString();
  }

  /** JSON's punctuation and awkward values, plus {@code words}: pieces to glue into near-JSON. */
  public static List<String> jsonTokens(String... words) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "\"",
                "\\",
                "\\u",
                "1",
                "-0",
                "1e999",
                "99999999999999999999",
                "null",
                "true",
                " ",
                "\u0000",
                "\uFFFF",
                "é",
                "\uD800"));
    all.addAll(List.of(words));
    return List.copyOf(all);
  }

  /** Token soup: up to {@code maxTokens} of {@code tokens}, picked at random and glued. */
  public static String glue(Random r, List<String> tokens, int maxTokens) {
    return String.join("", listOf(r, 0, maxTokens, x -> pick(x, tokens)));
  }
}
