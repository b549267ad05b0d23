package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import dev.berth.event.MachineExit;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random instruction words, random jumps and random stores never let a JVM exception out of the
 * guest: everything ends as an architectural trap, and the machine stays in control.
 */
class DecoderFuzzTest {
  private static final int[] PRELUDE = {
    0x00100293, // addi t0, zero, 1
    0x01f29293, // slli t0, t0, 31      (t0 = 0x8000_0000, the start of RAM)
    0x30529073, // csrw mtvec, t0       (traps land back in the random code)
    0x10529073, // csrw stvec, t0
  };

  @Test
  void randomProgramsNeverCrashTheEmulator() {
    Random rnd = new Random(20261124);
    for (int round = 0; round < 40; round++) {
      int[] words = new int[4096];
      for (int i = 0; i < words.length; i++) {
        words[i] = i < PRELUDE.length ? PRELUDE[i] : rnd.nextInt();
      }
      byte[] elf = TestElf.riscv(0x8000_0000L, words);
      try (GuestRun run =
          new GuestRun(MachineConfig.of("fuzz", new ImageSource("fuzz-" + round, elf)))) {
        run.machine.start();
        run.stillRunningAfter(Duration.ofMillis(40));
        run.machine.quit();
        MachineExit exit = run.awaitExit();
        assertNotEquals(MachineExit.Kind.CRASHED, exit.kind(), "round " + round + ": " + exit);
      }
    }
  }

  @Test
  void everyCompressedWordDecodesOrTraps() {
    int[] words = new int[PRELUDE.length + 32768];
    System.arraycopy(PRELUDE, 0, words, 0, PRELUDE.length);
    for (int c = 0; c < 65536; c += 2) {
      // Two 16-bit words per int: every compressed encoding, in order.
      words[PRELUDE.length + c / 2] = (c & 0xfffc) | ((c + 1) & 0xfffc) << 16;
    }
    byte[] elf = TestElf.riscv(0x8000_0000L, words);
    try (GuestRun run = new GuestRun(MachineConfig.of("c", new ImageSource("compressed", elf)))) {
      run.machine.start();
      run.stillRunningAfter(Duration.ofMillis(100));
      run.machine.quit();
      assertNotEquals(MachineExit.Kind.CRASHED, run.awaitExit().kind());
    }
  }
}
