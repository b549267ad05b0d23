package dev.berth.core.dev;

import dev.berth.core.cpu.TimeSource;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * The board's 10 MHz timebase, derived from host time. It stands still while the machine is paused,
 * as QEMU's virtual clock does, so a guest sees no time jump across a pause.
 */
public final class VirtualClock implements TimeSource, Saveable {
  public static final long FREQUENCY_HZ = 10_000_000;
  private static final long NANOS_PER_TICK = 1_000_000_000 / FREQUENCY_HZ;

  private long origin = System.nanoTime();
  private long stoppedAt = -1;

  @Override
  public long now() {
    long t = stoppedAt >= 0 ? stoppedAt : System.nanoTime();
    return (t - origin) / NANOS_PER_TICK;
  }

  /** Host nanoseconds until the clock reads {@code ticks}; 0 if it already does. */
  public long nanosUntil(long ticks) {
    long delta = ticks - now();
    if (delta <= 0) {
      return 0;
    }
    return delta > Long.MAX_VALUE / NANOS_PER_TICK ? Long.MAX_VALUE : delta * NANOS_PER_TICK;
  }

  public void stop() {
    if (stoppedAt < 0) {
      stoppedAt = System.nanoTime();
    }
  }

  public void start() {
    if (stoppedAt >= 0) {
      origin += System.nanoTime() - stoppedAt;
      stoppedAt = -1;
    }
  }

  public void reset() {
    origin = System.nanoTime();
    if (stoppedAt >= 0) {
      stoppedAt = origin;
    }
  }

  /** The guest's time, not the host's: a restored guest goes on from the tick it was saved at. */
  @Override
  public void save(StateOut out) {
    out.begin("clock").i64(now());
  }

  @Override
  public void restore(StateIn in) throws StateException {
    long ticks = in.begin("clock").i64();
    if (ticks < 0 || ticks > Long.MAX_VALUE / NANOS_PER_TICK / 2) {
      throw new StateException("the saved state is damaged (the clock reads " + ticks + ")");
    }
    long t = stoppedAt >= 0 ? stoppedAt : System.nanoTime();
    origin = t - ticks * NANOS_PER_TICK;
  }
}
