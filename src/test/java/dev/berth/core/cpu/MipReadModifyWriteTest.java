package dev.berth.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import org.junit.jupiter.api.Test;

/**
 * CSRRS/CSRRC on mip use the software-writable SEIP bit, not the PLIC's line that a read ORs in
 * (privileged spec, "mip"). Getting this wrong latched SEIP on when OpenSBI cleared STIP while a
 * UART interrupt was pending, and Linux then spun in its PLIC handler for ever.
 */
class MipReadModifyWriteTest {
  private static final long BASE = 0x8000_0000L;
  private static final int STIP = 1 << Cause.IRQ_S_TIMER;
  private static final long SEIP = 1L << Cause.IRQ_S_EXT;

  /** Runs {@code insns} in M-mode from RAM's start. */
  private static Hart run(Hart hart, Ram ram, int... insns) {
    for (int k = 0; k < insns.length; k++) {
      Ram.write(ram.bytes, 4 * k, 4, insns[k]);
    }
    hart.reset(BASE, 0);
    hart.run(insns.length);
    return hart;
  }

  @Test
  void clearingStipWhileTheExternalLineIsHighDoesNotLatchSeip() {
    Ram ram = new Ram(BASE, 4096);
    Hart hart = new Hart(new Bus(ram), () -> 0);
    hart.setInterruptLine(Cause.IRQ_S_EXT, true);
    // li t0, STIP (addi t0, x0, 32); csrc mip, t0 (csrrc x0, mip, t0)
    run(hart, ram, 0x00000293 | STIP << 20, 0x3442b073);
    assertEquals(SEIP, hart.csr.mip() & SEIP, "the line still reads as pending");
    hart.setInterruptLine(Cause.IRQ_S_EXT, false);
    assertEquals(0, hart.csr.mip() & SEIP, "the line went low: nothing latched");
  }

  @Test
  void settingSeipBySoftwareStillWorks() {
    Ram ram = new Ram(BASE, 4096);
    Hart hart = new Hart(new Bus(ram), () -> 0);
    // li t0, SEIP (addi t0, x0, 512); csrs mip, t0 (csrrs x0, mip, t0)
    run(hart, ram, 0x00000293 | (int) SEIP << 20, 0x3442a073);
    assertEquals(SEIP, hart.csr.mip() & SEIP);
  }
}
