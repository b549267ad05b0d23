package dev.berth.core.dev;

import dev.berth.core.bus.BusFault;
import dev.berth.core.bus.Device;
import dev.berth.core.cpu.Cause;
import dev.berth.core.cpu.Hart;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/** The core-local interruptor of hart 0: msip, mtimecmp and mtime, as on QEMU's virt. */
public final class Clint implements Device, Saveable {
  public static final long SIZE = 0x10000;
  private static final long MSIP = 0x0, MTIMECMP = 0x4000, MTIME = 0xbff8;

  private final Hart hart;
  private final VirtualClock clock;
  private boolean msip;
  private long mtimecmp;

  /** MTIP is only evaluated once the guest has programmed mtimecmp, as on QEMU. */
  private boolean armed;

  public Clint(Hart hart, VirtualClock clock) {
    this.hart = hart;
    this.clock = clock;
  }

  @Override
  public void reset() {
    msip = false;
    mtimecmp = 0;
    armed = false;
    hart.setInterruptLine(Cause.IRQ_M_SOFT, false);
    hart.setInterruptLine(Cause.IRQ_M_TIMER, false);
  }

  @Override
  public long read(long offset, int size) {
    if (offset >= MSIP && offset < MSIP + 4 && size <= 4) {
      return offset == MSIP && msip ? 1 : 0;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8) {
      return slice(mtimecmp, offset - MTIMECMP, size);
    }
    if (offset >= MTIME && offset < MTIME + 8) {
      return slice(clock.now(), offset - MTIME, size);
    }
    throw BusFault.UNMAPPED;
  }

  private static long slice(long value, long byteOffset, int size) {
    long v = value >>> (8 * byteOffset);
    return size == 8 ? v : v & ((1L << (8 * size)) - 1);
  }

  private static long merge(long old, long byteOffset, int size, long value) {
    if (size == 8) {
      return value;
    }
    long mask = ((1L << (8 * size)) - 1) << (8 * byteOffset);
    return (old & ~mask) | ((value << (8 * byteOffset)) & mask);
  }

  @Override
  public void write(long offset, int size, long value) {
    if (offset >= MSIP && offset < MSIP + 4 && size <= 4) {
      if (offset == MSIP) {
        msip = (value & 1) != 0;
        hart.setInterruptLine(Cause.IRQ_M_SOFT, msip);
      }
      return;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8) {
      mtimecmp = merge(mtimecmp, offset - MTIMECMP, size, value);
      armed = true;
      tick();
      return;
    }
    if (offset >= MTIME && offset < MTIME + 8) {
      return; // mtime follows host time; writes are ignored
    }
    throw BusFault.UNMAPPED;
  }

  /** Re-evaluates MTIP against the clock; the machine calls this between slices. */
  public void tick() {
    if (armed) {
      hart.setInterruptLine(Cause.IRQ_M_TIMER, Long.compareUnsigned(clock.now(), mtimecmp) >= 0);
    }
  }

  /** Host nanoseconds until the timer fires, or {@code Long.MAX_VALUE} if it is not armed. */
  public long nanosUntilTimer() {
    if (!armed || mtimecmp < 0) {
      return Long.MAX_VALUE;
    }
    return clock.nanosUntil(mtimecmp);
  }

  @Override
  public void save(StateOut out) {
    out.begin("clint").bool(msip).i64(mtimecmp).bool(armed);
  }

  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("clint");
    msip = in.bool();
    mtimecmp = in.i64();
    armed = in.bool();
  }
}
