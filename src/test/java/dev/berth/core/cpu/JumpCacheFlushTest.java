package dev.berth.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import org.junit.jupiter.api.Test;

/**
 * SFENCE.VMA (and every satp write) empties the jump cache. Code translated before it must still
 * run translated afterwards: the dispatcher finds its units again by physical address instead of
 * counting entries up to the threshold once more, as a booting Linux's kernel code needs.
 */
class JumpCacheFlushTest {
  private static final long BASE = 0x8000_0000L;
  private static final int ITERATIONS = 20_000;

  @Test
  void unitsAreFoundAgainAfterEveryFence() {
    Ram ram = new Ram(BASE, 1 << 16);
    String old = System.getProperty("berth.jit.threshold");
    System.setProperty("berth.jit.threshold", "10");
    Hart hart;
    try {
      hart = new Hart(new Bus(ram), () -> 0, true);
    } finally {
      if (old == null) {
        System.clearProperty("berth.jit.threshold");
      } else {
        System.setProperty("berth.jit.threshold", old);
      }
    }
    int[] program = {
      0x00150513, // loop: addi a0, a0, 1
      0x12000073, //       sfence.vma          (left to the interpreter; empties the jump cache)
      0xfeb54ce3, //       blt  a0, a1, loop
      0x0000006f, //       j    .
    };
    for (int i = 0; i < program.length; i++) {
      Ram.write(ram.bytes, 4 * i, 4, program[i]);
    }
    hart.reset(BASE, 0);
    hart.x[11] = ITERATIONS;
    while (hart.pc() != BASE + 12) {
      hart.run(10_000);
    }
    assertEquals(ITERATIONS, hart.x[10]);
    long loop = 3L * ITERATIONS;
    // Two of each iteration's three instructions are in units; re-counting after each fence
    // would leave nearly all of them interpreted.
    assertTrue(
        hart.translatedRetired > loop / 2, "run translated: " + hart.translationStatistics());
  }
}
