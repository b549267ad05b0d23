package dev.berth.core.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import org.junit.jupiter.api.Test;

/**
 * CSRRS/CSRRC on mip modify the software-writable SEIP bit, not the PLIC's line: OpenSBI sets and
 * clears STIP that way, and a line that was high at that moment must not stay latched.
 */
class MipUpdateTest {
  private static final long BASE = 0x8000_0000L;

  @Test
  void csrsMipWhileTheSupervisorExternalLineIsHighDoesNotLatchIt() {
    Ram ram = new Ram(BASE, 1 << 16);
    Hart hart = new Hart(new Bus(ram), () -> 0);
    int[] program = {
      0x02000313, // addi x6, x0, 0x20    (STIP)
      0x344322f3, // csrrs x5, mip, x6
      0x34433073, // csrrc x0, mip, x6
    };
    for (int i = 0; i < program.length; i++) {
      Ram.write(ram.bytes, 4 * i, 4, program[i]);
    }
    hart.reset(BASE, 0);
    hart.setInterruptLine(Cause.IRQ_S_EXT, true);
    hart.run(2);
    assertTrue(hart.isPending(Cause.IRQ_S_EXT), "the line is high");
    hart.setInterruptLine(Cause.IRQ_S_EXT, false);
    hart.run(1);
    assertFalse(hart.isPending(Cause.IRQ_S_EXT), "SEIP follows the line once it drops");
  }
}
