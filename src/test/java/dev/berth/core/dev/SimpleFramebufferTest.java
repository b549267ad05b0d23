package dev.berth.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.GuestRun;
import dev.berth.core.TestElf;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimpleFramebufferTest {
  private final SimpleFramebuffer fb = new SimpleFramebuffer();

  @Test
  void behavesAsMemoryAtEveryWidth() {
    fb.write(8, 4, 0x00112233);
    assertEquals(0x00112233, fb.read(8, 4));
    fb.write(9, 1, 0xaa);
    assertEquals(0x0011aa33, fb.read(8, 4));
    fb.write(10, 2, 0xbbcc);
    assertEquals(0xbbccaa33L, fb.read(8, 4));
    fb.write(16, 8, 0x0102030405060708L);
    assertEquals(0x05060708, fb.pixels()[4]);
    assertEquals(0x01020304, fb.pixels()[5]);
    assertEquals(0x0102030405060708L, fb.read(16, 8));
  }

  @Test
  void reportsOnlyTheRowsThatChanged() {
    fb.takeDirtyRows(); // everything is dirty after power-on
    assertEquals(-1, fb.takeDirtyRows());
    fb.write(SimpleFramebuffer.STRIDE * 10L + 4, 4, 1);
    fb.write(SimpleFramebuffer.STRIDE * 20L, 4, 1);
    assertEquals(10L << 32 | 20, fb.takeDirtyRows());
    assertEquals(-1, fb.takeDirtyRows());
  }

  @Test
  void aGuestStoreReachesThePixels() {
    int[] program = {
      0x280002b7, // lui  t0, 0x28000      t0 = 0x2800_0000, the framebuffer
      0x00010337, // lui  t1, 0x10
      0xf0030313, // addi t1, t1, -256      t1 = 0x00ff00, green
      0x0062a023, // sw   t1, 0(t0)
      0x10500073, // wfi
      0xffdff06f, // j    -4
    };
    byte[] elf = TestElf.riscv(0x8000_0000L, program);
    try (GuestRun run = new GuestRun(MachineConfig.of("fb", new ImageSource("fb", elf)))) {
      SimpleFramebuffer screen = run.machine.framebuffer();
      run.machine.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (screen.pixels()[0] != 0x00ff00 && System.nanoTime() < deadline) {
        run.stillRunningAfter(Duration.ofMillis(10));
      }
      assertEquals(0x00ff00, screen.pixels()[0]);
      assertEquals(0, screen.takeDirtyRows() >>> 32, "row 0 is dirty");
    }
  }

  @Test
  void storesThroughTheSoftTlbReachThePixelsByTheSliceEnd() {
    int[] program = {
      0x280002b7, // lui  t0, 0x28000      row 0
      0x280013b7, // lui  t2, 0x28001      row 1
      0x00010337, // lui  t1, 0x10
      0xf0030313, // addi t1, t1, -256      green
      0x0062a023, // sw   t1, 0(t0)        the slow path maps the row
      0x0062a223, // sw   t1, 4(t0)        through the soft TLB
      0x0063a423, // sw   t1, 8(t2)
      0x0063a623, // sw   t1, 12(t2)
      0x0042ae03, // lw   t3, 4(t0)        reads back what the TLB wrote
      0x01c2a823, // sw   t3, 16(t0)
      0x10500073, // wfi
      0xffdff06f, // j    -4
    };
    byte[] elf = TestElf.riscv(0x8000_0000L, program);
    try (GuestRun run = new GuestRun(MachineConfig.of("fb", new ImageSource("fb", elf)))) {
      SimpleFramebuffer screen = run.machine.framebuffer();
      run.machine.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (screen.pixels()[4] != 0x00ff00 && System.nanoTime() < deadline) {
        run.stillRunningAfter(Duration.ofMillis(10));
      }
      int[] px = screen.pixels();
      assertEquals(0x00ff00, px[1], "a store through the TLB");
      assertEquals(0x00ff00, px[4], "a load through the TLB, stored again");
      assertEquals(0x00ff00, px[SimpleFramebuffer.WIDTH + 2], "row 1");
      assertEquals(0x00ff00, px[SimpleFramebuffer.WIDTH + 3], "row 1");
      long rows = screen.takeDirtyRows();
      assertEquals(0, rows >>> 32, "row 0 is dirty");
      assertTrue((int) rows >= 1, "row 1 is dirty");
    }
  }
}
