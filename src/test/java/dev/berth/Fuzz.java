package dev.berth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The fuzzing properties' runner. {@link #check} runs a property on {@code tries} generated inputs,
 * each from its own {@link Random}: try {@code i} (from 1) uses the case seed {@code SEED * 10^9 +
 * i}, so every run is the same and a failure names the one number that replays it.
 *
 * <ul>
 *   <li>{@code -Dfuzz.tries=N}: N tries per property instead of {@value #DEFAULT_TRIES} (the
 *       properties that pass a fixed count, because each try is slow, keep it);
 *   <li>{@code -Dfuzz.seed=S}: runs each property once, on the case seed S a failure printed.
 * </ul>
 *
 * A longer run: {@code mvn -B test -Dtest='*Properties' -Dfuzz.tries=100000}. The generators the
 * properties share are in {@link Gen}.
 */
public final class Fuzz {
  private Fuzz() {}

  /** The base seed every case seed is derived from. */
  public static final long SEED = 20261201L;

  static final int DEFAULT_TRIES = 200;

  /** Tries per property: {@code -Dfuzz.tries}, else {@value #DEFAULT_TRIES}. */
  public static final int TRIES = Integer.getInteger("fuzz.tries", DEFAULT_TRIES);

  private static final int DESCRIPTION_LIMIT = 300;

  /** What must hold for every input; throwing anything is a failure. */
  @FunctionalInterface
  public interface Property<T> {
    void check(T input) throws Exception;
  }

  /** The case seed of try {@code i}: the base seed's digits, then the try's (nine of them). */
  public static long caseSeed(int i) {
    return SEED * 1_000_000_000L + i;
  }

  /**
   * Runs {@code property} on {@code tries} inputs made by {@code generate} (or once, on {@code
   * -Dfuzz.seed}); the first failure is an {@link AssertionError} naming the property, the try, the
   * case seed and the input, with the failure as its cause.
   */
  public static <T> void check(
      String name, int tries, Function<Random, T> generate, Property<T> property) {
    String replay = System.getProperty("fuzz.seed");
    if (replay != null && !replay.isBlank()) {
      run(name, "the replayed case", Long.parseLong(replay.trim()), generate, property);
      return;
    }
    for (int i = 1; i <= tries; i++) {
      run(name, "try " + i + " of " + tries, caseSeed(i), generate, property);
    }
  }

  private static <T> void run(
      String name, String which, long seed, Function<Random, T> generate, Property<T> property) {
    String input = "(not generated)";
    try {
      T value = generate.apply(random(seed));
      input = describe(value);
      property.check(value);
    } catch (Throwable failure) { // StackOverflowError too: a hostile input may cause one
      throw new AssertionError(
          "property "
              + name
              + " failed on "
              + which
              + ", seed "
              + seed
              + " (replay: -Dfuzz.seed="
              + seed
              + ")\n  input: "
              + input
              + "\n  failure: "
              + failure,
          failure);
    }
  }

  /**
   * The case's generator. The seed is scrambled first (SplitMix64's finalizer): {@link Random}s
   * seeded with neighbouring numbers start with similar values.
   */
  static Random random(long seed) {
    long z = seed;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }

  /**
   * A short, printable description of an input: bytes and strings escaped, lists element by
   * element, anything else by its {@code toString}; cut at {@value #DESCRIPTION_LIMIT} characters.
   */
  public static String describe(Object input) {
    String s = whole(input);
    return s.length() <= DESCRIPTION_LIMIT
        ? s
        : s.substring(0, DESCRIPTION_LIMIT) + "... (" + s.length() + " characters)";
  }

  private static String whole(Object input) {
    if (input instanceof byte[] b) {
      return b.length + " bytes \"" + escape(new String(b, StandardCharsets.ISO_8859_1)) + "\"";
    }
    if (input instanceof CharSequence s) {
      return "\"" + escape(s) + "\"";
    }
    if (input instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        parts.add(whole(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(input);
  }

  private static String escape(CharSequence s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c >= ' ' && c <= '~') {
        b.append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c < 0x100) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.toString();
  }
}
