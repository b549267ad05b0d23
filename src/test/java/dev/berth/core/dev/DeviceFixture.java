package dev.berth.core.dev;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import dev.berth.core.cpu.Cause;
import dev.berth.core.cpu.Hart;

/** A hart and a PLIC to hang devices on, for device tests without a running machine. */
final class DeviceFixture {
  final Hart hart = new Hart(new Bus(new Ram(0x8000_0000L, 1 << 16)), () -> 0);
  final Plic plic = new Plic(hart);

  /** Enables {@code irq} at priority 1 for the M-mode context. */
  void route(int irq) {
    plic.write(4L * irq, 4, 1);
    plic.write(0x2000, 4, plic.read(0x2000, 4) | 1L << irq);
  }

  boolean machineExternalPending() {
    return hart.isPending(Cause.IRQ_M_EXT);
  }

  int claim() {
    return (int) plic.read(0x200004, 4);
  }

  void complete(int irq) {
    plic.write(0x200004, 4, irq);
  }
}
