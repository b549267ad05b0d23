package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineExit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each bare guest that ends by itself runs on the interpreter alone and with the translating tier
 * (made eager, so almost everything runs translated): console output and exit status must be
 * identical, and so must minstret at the end wherever the program's path does not depend on host
 * time.
 */
class TierDifferentialTest {
  /** Program, and whether its instruction count is independent of wall-clock time. */
  private record Guest(String name, boolean exactCount) {}

  private static final Guest[] GUESTS = {
    new Guest("hello", true),
    new Guest("isa", true),
    new Guest("traps", true),
    new Guest("fpu", true),
    new Guest("vm", true),
    new Guest("fail", true),
    new Guest("reset", true),
    new Guest("seip", false),
    new Guest("timer", false),
    new Guest("uart_echo", false),
    new Guest("smc", true),
    new Guest("hotloop", false),
    new Guest("vm_jit", true),
    new Guest("bench", true),
    new Guest("bench_vm", true),
  };

  /**
   * Translated in the background (units are installed whenever they are ready, after a check that
   * their code is unchanged): still exactly the interpreter's results.
   */
  @Test
  void backgroundTranslationChangesNothing() {
    for (String program : new String[] {"isa", "smc", "vm_jit"}) {
      Outcome interpreted = run(program, false);
      Outcome translated = run(program, true, 0, true);
      assertEquals(interpreted.console, translated.console, program + ": console");
      assertEquals(interpreted.instret, translated.instret, program + ": minstret at exit");
    }
  }

  record Outcome(String console, int status, long instret, String stats) {}

  static Outcome run(String program, boolean translate) {
    return run(program, translate, 0, false);
  }

  static Outcome run(String program, boolean translate, int units, boolean async) {
    try (GuestRun run = GuestRun.start(program, translate, units, async)) {
      String in = DifferentialTest.stdinFor(program);
      if (!in.isEmpty()) {
        run.awaitConsole("ready");
        run.type(in);
      }
      MachineExit exit = run.awaitExit();
      String stats = run.machine.translationStatistics();
      return new Outcome(
          run.console(), exit.exitStatus(), run.machine.instructionsRetired(), stats);
    }
  }

  /**
   * A code cache of 8 units is flushed over and over (each flush drops every unit, whose hidden
   * classes can then be unloaded): the results stay those of the interpreter.
   */
  @Test
  void aTinyCodeCacheIsFlushedAndTheResultsStayExact() {
    for (String program : new String[] {"isa", "vm_jit"}) {
      Outcome interpreted = run(program, false);
      Outcome translated = run(program, true, 8, false);
      assertEquals(interpreted.console, translated.console, program + ": console");
      assertEquals(interpreted.instret, translated.instret, program + ": minstret at exit");
      Matcher flushes = Pattern.compile("cache flushes (\\d+)").matcher(translated.stats);
      assertTrue(flushes.find(), translated.stats);
      assertTrue(Integer.parseInt(flushes.group(1)) > 10, "flushed often: " + translated.stats);
    }
  }

  @TestFactory
  Stream<DynamicTest> bothTiersAgree() {
    return Stream.of(GUESTS)
        .map(
            g ->
                DynamicTest.dynamicTest(
                    g.name,
                    () -> {
                      Outcome interpreted = run(g.name, false);
                      Outcome translated = run(g.name, true);
                      assertTrue(interpreted.instret > 0, g.name + " ran");
                      assertEquals(interpreted.console, translated.console, g.name + ": console");
                      assertEquals(interpreted.status, translated.status, g.name + ": status");
                      if (g.exactCount) {
                        assertEquals(
                            interpreted.instret, translated.instret, g.name + ": minstret at exit");
                      }
                    }));
  }
}
