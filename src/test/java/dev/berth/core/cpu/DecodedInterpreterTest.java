package dev.berth.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's decoded instructions ({@link DecodedPages}) do what the general decoder does:
 * random instructions of every format the decoder knows (and some it does not), 16- and 32-bit, on
 * random registers, each run once by the interpreter and once by the general decoder on a second
 * hart in the same state; pc, registers, instret, the trap CSRs and the memory around the access
 * must agree. The instruction is written where the last one was, so every trial also checks that a
 * write clears the entry decoded there before.
 */
class DecodedInterpreterTest {
  private static final long BASE = 0x8000_0000L;
  private static final int SIZE = 1 << 16;
  private static final int CODE = 0x1000; // the instruction under test
  private static final int DATA = 0x8000; // where loads and stores mostly go
  private static final long TRAP_VECTOR = BASE + 0x4000;

  private static final int[] MAJOR = {
    0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x33, 0x37, 0x3b, 0x63, 0x67, 0x6f, 0x73, 0x2f
  };

  private final Ram ramA = new Ram(BASE, SIZE);
  private final Ram ramB = new Ram(BASE, SIZE);
  private final Hart decoded = new Hart(new Bus(ramA), () -> 0, false);
  private final Hart general = new Hart(new Bus(ramB), () -> 0, false);

  @Test
  void everyDecodedInstructionDoesWhatTheGeneralDecoderDoes() {
    Random rnd = new Random(20261201);
    for (Hart h : new Hart[] {decoded, general}) {
      h.reset(BASE, 0);
      h.csr.mtvec = TRAP_VECTOR;
    }
    for (int trial = 0; trial < 200_000; trial++) {
      boolean compressed = rnd.nextInt(4) == 0;
      int insn = compressed ? rnd.nextInt(1 << 16) & ~0 : instruction(rnd);
      if (compressed && (insn & 3) == 3) {
        insn &= ~1;
      }
      int at = CODE + 2 * rnd.nextInt(8);
      long[] regs = new long[32];
      for (int r = 1; r < 32; r++) {
        regs[r] = register(rnd);
      }
      for (Hart h : new Hart[] {decoded, general}) {
        Ram ram = h == decoded ? ramA : ramB;
        Ram.write(ram.bytes, at, 4, compressed ? insn | 0x00010000 : insn);
        ram.written(at, 4);
        System.arraycopy(regs, 0, h.x, 0, 32);
        h.pc = BASE + at;
        h.priv = Priv.M;
      }
      decoded.run(1);
      general.stepGeneral();
      String what = String.format("trial %d: %s 0x%08x", trial, compressed ? "c" : "", insn);
      assertEquals(general.pc, decoded.pc, what + ": pc");
      for (int r = 1; r < 32; r++) {
        assertEquals(general.x[r], decoded.x[r], what + ": x" + r);
      }
      assertEquals(general.instret, decoded.instret, what + ": instret");
      assertEquals(general.csr.mcause, decoded.csr.mcause, what + ": mcause");
      assertEquals(general.csr.mtval, decoded.csr.mtval, what + ": mtval");
      assertEquals(general.csr.mepc, decoded.csr.mepc, what + ": mepc");
      if (trial % 1000 == 0) {
        assertArrayEquals(ramB.bytes, ramA.bytes, what + ": memory");
      }
    }
    assertArrayEquals(ramB.bytes, ramA.bytes, "memory");
  }

  /** A 32-bit instruction of a random major opcode with random fields. */
  private static int instruction(Random rnd) {
    int op = MAJOR[rnd.nextInt(MAJOR.length)];
    int bits = rnd.nextInt() & ~0x7f | op;
    if (op == 0x33 || op == 0x3b || op == 0x13 || op == 0x1b) {
      int f7 =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 0x20;
            case 2 -> 1;
            default -> rnd.nextInt(128);
          };
      bits = bits & 0x01ffffff | f7 << 25;
    }
    if (op == 0x73 && rnd.nextBoolean()) {
      bits &= ~0x7000; // ECALL, EBREAK, MRET, WFI and friends, or illegal
    }
    return bits;
  }

  /**
   * A register value: small numbers, extremes, and addresses at or near the data area (so loads and
   * stores mostly reach RAM, sometimes across a page or outside it).
   */
  private static long register(Random rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> rnd.nextInt(64) - 32;
      case 1 -> rnd.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
      case 2 -> rnd.nextLong();
      case 3 -> BASE + 0x1000 * (4 + rnd.nextInt(8)) - 2 + rnd.nextInt(4);
      default -> BASE + DATA + rnd.nextInt(0x4000);
    };
  }
}
