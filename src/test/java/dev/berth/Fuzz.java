package dev.berth;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The fuzzing properties' shared settings. Each runs {@code jqwik.tries.default} cases
 * (src/test/resources/junit-platform.properties: 200 in {@code mvn verify}) from this seed; a
 * longer run: {@code mvn -B test -Dtest='*Properties' -Djqwik.tries.default=100000}.
 */
public final class Fuzz {
  private Fuzz() {}

  public static final String SEED = "20261201";

  /** JSON's punctuation and awkward values, plus {@code words}: pieces to glue into near-JSON. */
  public static Arbitrary<String> jsonTokens(String... words) {
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
    return Arbitraries.of(all);
  }
}
