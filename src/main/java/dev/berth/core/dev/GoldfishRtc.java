package dev.berth.core.dev;

import dev.berth.core.bus.BusFault;
import dev.berth.core.bus.Device;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * The Goldfish real-time clock, as on QEMU's virt: wall-clock nanoseconds since the epoch, which
 * the guest may set, and one alarm that raises its PLIC source. Reading TIME_LOW latches the high
 * half, so a guest reads a consistent 64-bit time.
 */
public final class GoldfishRtc implements Device, Saveable {
  public static final long SIZE = 0x1000;
  private static final int TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08;
  private static final int ALARM_HIGH = 0x0c, IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14;
  private static final int ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;

  private final Plic plic;
  private final int irq;
  private long offsetNanos;
  private int latchedHigh;
  private int alarmHigh;
  private long alarm;
  private boolean alarmRunning;
  private boolean irqEnabled;
  private boolean irqPending;

  public GoldfishRtc(Plic plic, int irq) {
    this.plic = plic;
    this.irq = irq;
  }

  private long now() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano() + offsetNanos;
  }

  @Override
  public void reset() {
    alarmRunning = irqEnabled = irqPending = false;
    update();
  }

  @Override
  public long read(long offset, int size) {
    if (size != 4) {
      throw BusFault.UNMAPPED;
    }
    return switch ((int) offset) {
      case TIME_LOW -> {
        long t = now();
        latchedHigh = (int) (t >>> 32);
        yield t & 0xffffffffL;
      }
      case TIME_HIGH -> latchedHigh & 0xffffffffL;
      case ALARM_LOW -> alarm & 0xffffffffL;
      case ALARM_HIGH -> (alarm >>> 32) & 0xffffffffL;
      case IRQ_ENABLED -> irqEnabled ? 1 : 0;
      case ALARM_STATUS -> alarmRunning ? 1 : 0;
      default -> 0;
    };
  }

  @Override
  public void write(long offset, int size, long value) {
    if (size != 4) {
      throw BusFault.UNMAPPED;
    }
    long v = value & 0xffffffffL;
    switch ((int) offset) {
      case TIME_LOW -> offsetNanos += ((now() & ~0xffffffffL) | v) - now();
      case TIME_HIGH -> offsetNanos += ((now() & 0xffffffffL) | v << 32) - now();
      case ALARM_LOW -> {
        alarm = (long) alarmHigh << 32 | v;
        alarmRunning = true;
        tick();
      }
      case ALARM_HIGH -> alarmHigh = (int) v;
      case IRQ_ENABLED -> {
        irqEnabled = (v & 1) != 0;
        update();
      }
      case CLEAR_ALARM -> alarmRunning = false;
      case CLEAR_INTERRUPT -> {
        irqPending = false;
        update();
      }
      default -> {}
    }
  }

  /** Fires the alarm once its time has come; the machine calls this between slices. */
  public void tick() {
    if (alarmRunning && now() >= alarm) {
      alarmRunning = false;
      irqPending = true;
      update();
    }
  }

  private void update() {
    plic.setLevel(irq, irqPending && irqEnabled);
  }

  /** The guest's offset from host time is kept: after a restore its clock reads the time now. */
  @Override
  public void save(StateOut out) {
    out.begin("rtc").i64(offsetNanos).i32(latchedHigh).i32(alarmHigh).i64(alarm);
    out.bool(alarmRunning).bool(irqEnabled).bool(irqPending);
  }

  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("rtc");
    offsetNanos = in.i64();
    latchedHigh = in.i32();
    alarmHigh = in.i32();
    alarm = in.i64();
    alarmRunning = in.bool();
    irqEnabled = in.bool();
    irqPending = in.bool();
  }
}
