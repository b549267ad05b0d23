package dev.berth.core.dev;

import dev.berth.core.bus.Device;

/** QEMU's sifive_test finisher: the guest writes a code to power off, fail or reset. */
public final class SifiveTest implements Device {
  public static final long SIZE = 0x1000;
  private static final int FAIL = 0x3333, PASS = 0x5555, RESET = 0x7777;

  private final PowerControl power;

  public SifiveTest(PowerControl power) {
    this.power = power;
  }

  @Override
  public long read(long offset, int size) {
    return 0;
  }

  @Override
  public void write(long offset, int size, long value) {
    if (offset != 0) {
      return;
    }
    int status = (int) value & 0xffff;
    int code = (int) (value >>> 16) & 0xffff;
    switch (status) {
      case PASS -> power.guestPowerOff();
      case FAIL -> power.guestFailure(code);
      case RESET -> power.guestReset();
      default -> {} // QEMU logs other values as a guest error and ignores them
    }
  }
}
