package dev.berth.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import org.junit.jupiter.api.Test;

/**
 * The debug spec's trigger CSRs exist with no triggers behind them, so software (riscv-tests'
 * rv64mi-p-breakpoint, Linux's probing) reads tselect back as 0 and tdata1's type as 0 and takes
 * its "no triggers" path instead of an illegal-instruction trap.
 */
class TriggerCsrTest {
  private static final long BASE = 0x8000_0000L;

  @Test
  void writesAreIgnoredAndReadsSayThereIsNoTrigger() {
    Ram ram = new Ram(BASE, 1 << 16);
    Hart hart = new Hart(new Bus(ram), () -> 0, false);
    int[] program = {
      0x00500313, // addi  x6, x0, 5
      0x7a031073, // csrw  tselect, x6
      0x7a0022f3, // csrr  x5, tselect
      0x7a1023f3, // csrr  x7, tdata1
      0x7a131073, // csrw  tdata1, x6
      0x7a102e73, // csrr  x28, tdata1
      0x7a202ef3, // csrr  x29, tdata2
      0x7a402f73, // csrr  x30, tinfo
    };
    for (int i = 0; i < program.length; i++) {
      Ram.write(ram.bytes, 4 * i, 4, program[i]);
    }
    hart.reset(BASE, 0);
    hart.x[5] = hart.x[7] = hart.x[28] = hart.x[29] = -1;
    hart.run(program.length);
    assertEquals(BASE + 4L * program.length, hart.pc(), "no instruction trapped");
    assertEquals(0, hart.x[5], "tselect reads 0");
    assertEquals(0, hart.x[7], "tdata1: type 0, no trigger");
    assertEquals(0, hart.x[28], "tdata1 stays 0 after a write");
    assertEquals(0, hart.x[29], "tdata2");
    assertEquals(1, hart.x[30], "tinfo: type 0 only");
  }
}
