package dev.berth;

/**
 * The fuzzing properties' shared settings. Each runs {@code jqwik.tries.default} cases
 * (src/test/resources/junit-platform.properties: 200 in {@code mvn verify}) from this seed; a
 * longer run: {@code mvn -B test -Dtest='*Properties' -Djqwik.tries.default=100000}.
 */
public final class Fuzz {
  private Fuzz() {}

  public static final String SEED = "20261201";
}
