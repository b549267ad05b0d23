package dev.berth.core.virtio;

import dev.berth.core.bus.Ram;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * A split virtqueue (virtio 1.x, section 2.7): the driver's descriptor table and available ring,
 * the device's used ring, all in guest RAM at physical addresses. Chains may use indirect
 * descriptor tables. Everything the driver wrote is checked before use; a violation is a {@link
 * BadRingException}, never an access outside RAM or an endless walk.
 */
final class Virtqueue {
  private static final int DESC_NEXT = 1, DESC_WRITE = 2, DESC_INDIRECT = 4;
  private static final int AVAIL_NO_INTERRUPT = 1;

  private final Ram ram;
  private final int maxSize;
  private final Chain chain;
  int size;
  boolean ready;
  long desc, driver, device;
  private int descOff, availOff, usedOff;
  private int lastAvail;
  private int nextUsed;

  Virtqueue(Ram ram, int maxSize) {
    this.ram = ram;
    this.maxSize = maxSize;
    this.chain = new Chain(ram, maxSize);
    reset();
  }

  int maxSize() {
    return maxSize;
  }

  void reset() {
    size = maxSize;
    ready = false;
    desc = driver = device = 0;
    lastAvail = nextUsed = 0;
  }

  /** The driver set QueueReady: checks the rings lie in RAM with the alignment the spec asks. */
  void enable() {
    if (size == 0 || size > maxSize || Integer.bitCount(size) != 1) {
      throw new BadRingException("queue size " + size + " is not a power of 2 up to " + maxSize);
    }
    descOff = ring("descriptor table", desc, 16L * size, 16);
    availOff = ring("available ring", driver, 6 + 2L * size, 2);
    usedOff = ring("used ring", device, 6 + 8L * size, 4);
    ready = true;
  }

  private int ring(String what, long addr, long len, int align) {
    if (!ram.contains(addr, len) || (addr & (align - 1)) != 0) {
      throw new BadRingException(String.format("%s at 0x%x+0x%x is not in RAM", what, addr, len));
    }
    return (int) (addr - ram.base);
  }

  boolean isReady() {
    return ready;
  }

  private int u16(int off) {
    return (int) Ram.read(ram.bytes, off, 2) & 0xffff;
  }

  /** True if the driver has made a chain available that the device has not taken yet. */
  boolean hasAvailable() {
    return ready && u16(availOff + 2) != lastAvail;
  }

  /** Takes the next available chain, or returns null if there is none. Reuses one {@link Chain}. */
  Chain take() {
    if (!hasAvailable()) {
      return null;
    }
    int availIdx = u16(availOff + 2);
    if (((availIdx - lastAvail) & 0xffff) > size) {
      throw new BadRingException("available index jumped " + ((availIdx - lastAvail) & 0xffff));
    }
    int head = u16(availOff + 4 + 2 * (lastAvail % size));
    lastAvail = (lastAvail + 1) & 0xffff;
    chain.clear(head);
    walk(descOff, size, head, true);
    return chain;
  }

  /** Follows a chain in a descriptor table of {@code n} entries at RAM offset {@code table}. */
  private void walk(int table, int n, int index, boolean direct) {
    for (int steps = 0; ; steps++) {
      if (index >= n) {
        throw new BadRingException("descriptor index " + index + " out of " + n);
      }
      if (steps == n) {
        throw new BadRingException("descriptor chain loops");
      }
      int d = table + 16 * index;
      long addr = Ram.read64(ram.bytes, d);
      int len = Ram.read32(ram.bytes, d + 8);
      int flags = u16(d + 12);
      if ((flags & DESC_INDIRECT) != 0) {
        if (!direct || (flags & DESC_NEXT) != 0 || len == 0 || (len & 15) != 0) {
          throw new BadRingException("malformed indirect descriptor");
        }
        int entries = Integer.divideUnsigned(len, 16);
        walk(ring("indirect table", addr, len & 0xffffffffL, 1), entries, 0, false);
      } else {
        chain.add(addr, len, (flags & DESC_WRITE) != 0);
      }
      if ((flags & DESC_NEXT) == 0) {
        return;
      }
      index = u16(d + 14);
    }
  }

  /** Returns {@code c} to the driver with {@code written} bytes of the device's answer. */
  void put(Chain c, int written) {
    int elem = usedOff + 4 + 8 * (nextUsed % size);
    Ram.write(ram.bytes, elem, 4, c.head);
    Ram.write(ram.bytes, elem + 4, 4, written);
    nextUsed = (nextUsed + 1) & 0xffff;
    Ram.write(ram.bytes, usedOff + 2, 2, nextUsed);
    ram.written(elem, 8);
    ram.written(usedOff + 2, 2);
  }

  /** True unless the driver asked not to be interrupted for this queue. */
  boolean wantsInterrupt() {
    return (u16(availOff) & AVAIL_NO_INTERRUPT) == 0;
  }

  void save(StateOut out) {
    out.i32(size).bool(ready).i64(desc).i64(driver).i64(device).i32(lastAvail).i32(nextUsed);
  }

  /** A ready queue is enabled again, with the checks the driver's QueueReady gets. */
  void restore(StateIn in) throws StateException {
    size = in.i32(0, maxSize);
    boolean wasReady = in.bool();
    desc = in.i64();
    driver = in.i64();
    device = in.i64();
    lastAvail = in.i32(0, 0xffff);
    nextUsed = in.i32(0, 0xffff);
    ready = false;
    if (wasReady) {
      try {
        enable();
      } catch (BadRingException e) {
        throw new StateException("the saved state is damaged (" + e.getMessage() + ")", e);
      }
    }
  }
}
