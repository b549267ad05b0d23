package dev.berth.core.bus;

import java.util.ArrayList;
import java.util.List;

/**
 * The physical address space: RAM plus device windows. The CPU handles RAM itself on its fast path
 * and comes here for everything else; this class answers both, so loaders and devices doing DMA
 * have one place to go.
 */
public final class Bus {
  private record Window(long base, long size, Device device) {}

  private final Ram ram;
  private final List<Window> windows = new ArrayList<>();
  private Window[] table = new Window[0];

  public Bus(Ram ram) {
    this.ram = ram;
  }

  public Ram ram() {
    return ram;
  }

  /** Maps {@code device} at {@code [base, base+size)}; windows must not overlap. */
  public void map(long base, long size, Device device) {
    for (Window w : windows) {
      if (base < w.base + w.size && w.base < base + size) {
        throw new IllegalArgumentException(
            String.format("device window 0x%x+0x%x overlaps 0x%x", base, size, w.base));
      }
    }
    windows.add(new Window(base, size, device));
    table = windows.toArray(new Window[0]);
  }

  public void resetDevices() {
    for (Window w : table) {
      w.device.reset();
    }
  }

  private Window find(long addr, int size) {
    for (Window w : table) {
      long off = addr - w.base;
      if (off >= 0 && off <= w.size - size) {
        return w;
      }
    }
    throw BusFault.UNMAPPED;
  }

  /** Physical read; the value is sign-extended from {@code size} bytes for RAM and devices. */
  public long read(long addr, int size) {
    if (ram.contains(addr, size)) {
      return Ram.read(ram.bytes, (int) (addr - ram.base), size);
    }
    Window w = find(addr, size);
    if ((addr & (size - 1)) != 0) {
      throw BusFault.MISALIGNED;
    }
    long v = w.device.read(addr - w.base, size);
    return switch (size) {
      case 1 -> (byte) v;
      case 2 -> (short) v;
      case 4 -> (int) v;
      default -> v;
    };
  }

  public void write(long addr, int size, long value) {
    if (ram.contains(addr, size)) {
      Ram.write(ram.bytes, (int) (addr - ram.base), size, value);
      return;
    }
    Window w = find(addr, size);
    if ((addr & (size - 1)) != 0) {
      throw BusFault.MISALIGNED;
    }
    w.device.write(addr - w.base, size, value);
  }
}
