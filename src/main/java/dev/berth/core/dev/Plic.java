package dev.berth.core.dev;

import dev.berth.core.bus.BusFault;
import dev.berth.core.bus.Device;
import dev.berth.core.cpu.Cause;
import dev.berth.core.cpu.Hart;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * The platform-level interrupt controller with sources 1–63 and two contexts: hart 0 M-mode (drives
 * MEIP) and hart 0 S-mode (drives SEIP). Sources are level-triggered.
 */
public final class Plic implements Device, Saveable {
  public static final long SIZE = 0x600000;
  public static final int SOURCES = 64;
  private static final int CONTEXTS = 2;
  private static final int[] CONTEXT_LINE = {Cause.IRQ_M_EXT, Cause.IRQ_S_EXT};

  private final Hart hart;
  private final int[] priority = new int[SOURCES];
  private final long[] enable = new long[CONTEXTS];
  private final int[] threshold = new int[CONTEXTS];
  private long level;
  private long pending;
  private long claimed;

  public Plic(Hart hart) {
    this.hart = hart;
  }

  @Override
  public void reset() {
    java.util.Arrays.fill(priority, 0);
    java.util.Arrays.fill(enable, 0);
    java.util.Arrays.fill(threshold, 0);
    claimed = 0;
    pending = level;
    update();
  }

  /** A device drives source {@code irq} high or low. */
  public void setLevel(int irq, boolean high) {
    long bit = 1L << irq;
    level = high ? level | bit : level & ~bit;
    pending = high ? pending | bit : pending & ~bit;
    update();
  }

  @Override
  public long read(long offset, int size) {
    if (size != 4) {
      throw BusFault.UNMAPPED;
    }
    if (offset < 4L * SOURCES) {
      return priority[(int) (offset / 4)];
    }
    if (offset == 0x1000 || offset == 0x1004) {
      return (int) (pending >>> (offset == 0x1000 ? 0 : 32));
    }
    if (offset >= 0x2000 && offset < 0x2000 + 0x80L * CONTEXTS) {
      int ctx = (int) ((offset - 0x2000) / 0x80);
      long word = (offset - 0x2000) % 0x80;
      return word == 0 ? (int) enable[ctx] : word == 4 ? (int) (enable[ctx] >>> 32) : 0;
    }
    if (offset >= 0x200000 && offset < 0x200000 + 0x1000L * CONTEXTS) {
      int ctx = (int) ((offset - 0x200000) / 0x1000);
      long reg = (offset - 0x200000) % 0x1000;
      if (reg == 0) {
        return threshold[ctx];
      }
      if (reg == 4) {
        return claim(ctx);
      }
      return 0;
    }
    throw BusFault.UNMAPPED;
  }

  @Override
  public void write(long offset, int size, long value) {
    if (size != 4) {
      throw BusFault.UNMAPPED;
    }
    int v = (int) value;
    if (offset < 4L * SOURCES) {
      int src = (int) (offset / 4);
      if (src != 0) {
        priority[src] = v & 7;
        update();
      }
      return;
    }
    if (offset == 0x1000 || offset == 0x1004) {
      return; // pending bits are read-only
    }
    if (offset >= 0x2000 && offset < 0x2000 + 0x80L * CONTEXTS) {
      int ctx = (int) ((offset - 0x2000) / 0x80);
      long word = (offset - 0x2000) % 0x80;
      if (word == 0) {
        enable[ctx] = (enable[ctx] & ~0xffffffffL) | (v & 0xfffffffeL);
      } else if (word == 4) {
        enable[ctx] = (enable[ctx] & 0xffffffffL) | ((long) v << 32);
      }
      update();
      return;
    }
    if (offset >= 0x200000 && offset < 0x200000 + 0x1000L * CONTEXTS) {
      int ctx = (int) ((offset - 0x200000) / 0x1000);
      long reg = (offset - 0x200000) % 0x1000;
      if (reg == 0) {
        threshold[ctx] = v & 7;
        update();
      } else if (reg == 4) {
        complete(ctx, v);
      }
      return;
    }
    throw BusFault.UNMAPPED;
  }

  /** The highest-priority source pending and enabled above threshold for {@code ctx}, or 0. */
  private int best(int ctx) {
    long candidates = pending & ~claimed & enable[ctx];
    int best = 0;
    int bestPriority = threshold[ctx];
    while (candidates != 0) {
      int src = Long.numberOfTrailingZeros(candidates);
      candidates &= candidates - 1;
      if (priority[src] > bestPriority) {
        best = src;
        bestPriority = priority[src];
      }
    }
    return best;
  }

  private int claim(int ctx) {
    int src = best(ctx);
    if (src != 0) {
      pending &= ~(1L << src);
      claimed |= 1L << src;
      update();
    }
    return src;
  }

  private void complete(int ctx, int src) {
    if (src <= 0 || src >= SOURCES || ((enable[ctx] >>> src) & 1) == 0) {
      return;
    }
    long bit = 1L << src;
    claimed &= ~bit;
    if ((level & bit) != 0) {
      pending |= bit; // still asserted: a level-triggered source interrupts again
    }
    update();
  }

  private void update() {
    for (int ctx = 0; ctx < CONTEXTS; ctx++) {
      hart.setInterruptLine(CONTEXT_LINE[ctx], best(ctx) != 0);
    }
  }

  @Override
  public void save(StateOut out) {
    out.begin("plic").ints(priority).longs(enable).ints(threshold);
    out.i64(level).i64(pending).i64(claimed);
  }

  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("plic").ints(priority);
    in.longs(enable);
    in.ints(threshold);
    level = in.i64();
    pending = in.i64();
    claimed = in.i64();
  }
}
