package dev.berth.core.dev;

import dev.berth.core.bus.Device;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * Berth's power-management block: the ACPI PM1 event and control registers with PIIX4 semantics.
 * The power button sets PWRBTN_STS only if the guest enabled it; the SCI is a level on its own PLIC
 * source while an enabled status bit is set and SCI_EN is on; writing SLP_EN asks the machine for
 * soft-off (SLP_TYP 0) or suspend (SLP_TYP 1).
 */
public final class PowerManagement implements Device, Saveable {
  public static final long SIZE = 0x1000;
  public static final int PWRBTN = 1 << 8;
  public static final int SCI_EN = 1;
  public static final int SLP_EN = 1 << 13;
  public static final int SLP_TYP_SHIFT = 10;
  private static final int SLP_TYP_MASK = 7 << SLP_TYP_SHIFT;
  private static final int STS = 0, EN = 2, CNT = 4;

  private final Plic plic;
  private final int irq;
  private final PowerControl power;
  private int sts;
  private int en;
  private int cnt;

  public PowerManagement(Plic plic, int irq, PowerControl power) {
    this.plic = plic;
    this.irq = irq;
    this.power = power;
  }

  @Override
  public void reset() {
    sts = en = cnt = 0;
    updateSci();
  }

  /**
   * The emulated power button is pressed. Returns true if the guest will see it (PWRBTN_EN set);
   * otherwise the press is lost, as on a PC whose OS never enabled the button.
   */
  public boolean pressButton() {
    if ((en & PWRBTN) == 0) {
      return false;
    }
    sts |= PWRBTN;
    updateSci();
    return true;
  }

  public boolean buttonEnabled() {
    return (en & PWRBTN) != 0;
  }

  public boolean sciAsserted() {
    return (sts & en) != 0 && (cnt & SCI_EN) != 0;
  }

  private void updateSci() {
    plic.setLevel(irq, sciAsserted());
  }

  private int register(int reg) {
    return switch (reg) {
      case STS -> sts;
      case EN -> en;
      case CNT -> cnt;
      default -> 0;
    };
  }

  @Override
  public long read(long offset, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      long b = offset + i;
      v |= (long) ((register((int) (b & ~1)) >>> (8 * (b & 1))) & 0xff) << (8 * i);
    }
    return v;
  }

  @Override
  public void write(long offset, int size, long value) {
    // Gather the bytes per register first, so one 32-bit write acts on STS and EN together.
    int[] mask = new int[3];
    int[] data = new int[3];
    for (int i = 0; i < size; i++) {
      long b = offset + i;
      int reg = (int) (b >>> 1);
      if (reg > 2) {
        continue;
      }
      int shift = (int) (8 * (b & 1));
      mask[reg] |= 0xff << shift;
      data[reg] |= (int) ((value >>> (8 * i)) & 0xff) << shift;
    }
    sts &= ~(data[0] & mask[0]); // write 1 to clear
    en = (en & ~mask[1]) | (data[1] & mask[1] & PWRBTN);
    if (mask[2] != 0) {
      int written = (cnt & ~mask[2]) | (data[2] & mask[2]);
      cnt = written & ~SLP_EN;
      if ((written & SLP_EN) != 0) {
        sleep((written & SLP_TYP_MASK) >>> SLP_TYP_SHIFT);
      }
    }
    updateSci();
  }

  private void sleep(int type) {
    switch (type) {
      case 0 -> power.guestPowerOff();
      case 1 -> power.guestSuspend();
      default -> {} // other sleep states do not exist on this board
    }
  }

  @Override
  public void save(StateOut out) {
    out.begin("pm1").i32(sts).i32(en).i32(cnt);
  }

  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("pm1");
    sts = in.i32();
    en = in.i32();
    cnt = in.i32();
  }
}
