package dev.berth.core.virtio;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import dev.berth.core.cpu.Hart;
import dev.berth.core.dev.Plic;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver side of virtio-mmio for device tests, doing what Linux's virtio_mmio and virtio_ring
 * do: negotiate features, place split virtqueues in guest RAM, post chains (direct or indirect),
 * kick and collect used buffers. A fake that lives only in tests.
 */
final class TestDriver {
  static final long RAM_BASE = 0x8000_0000L;
  static final int IRQ = 3;

  final Ram ram = new Ram(RAM_BASE, 1 << 20);
  final Plic plic = new Plic(new Hart(new Bus(ram), () -> 0));
  final VirtioMmio mmio;
  private long next = RAM_BASE + 0x1000;
  private final List<Queue> queues = new ArrayList<>();

  TestDriver(VirtioDevice device) {
    mmio = new VirtioMmio(ram, plic, IRQ, device);
    plic.write(4L * IRQ, 4, 1);
    plic.write(0x2000, 4, 1L << IRQ);
  }

  int reg(int offset) {
    return (int) mmio.read(offset, 4);
  }

  void reg(int offset, int value) {
    mmio.write(offset, 4, value);
  }

  long features() {
    reg(0x14, 1);
    long high = reg(0x10) & 0xffffffffL;
    reg(0x14, 0);
    return high << 32 | (reg(0x10) & 0xffffffffL);
  }

  /** Linux's probe: ACK, DRIVER, features, FEATURES_OK; returns whether the device took them. */
  boolean negotiate(long features) {
    reg(0x70, 0);
    reg(0x70, 1);
    reg(0x70, 3);
    reg(0x24, 1);
    reg(0x20, (int) (features >>> 32));
    reg(0x24, 0);
    reg(0x20, (int) features);
    reg(0x70, 3 | 8);
    return (reg(0x70) & 8) != 0;
  }

  /** Negotiates {@code features}, sets up every queue at {@code size} and sets DRIVER_OK. */
  void start(long features, int size) {
    if (!negotiate(features)) {
      throw new AssertionError("features refused");
    }
    queues.clear();
    for (int i = 0; ; i++) {
      reg(0x30, i);
      if (reg(0x34) == 0) {
        break;
      }
      queues.add(new Queue(i, Math.min(size, reg(0x34))));
    }
    reg(0x70, 3 | 8 | 4);
  }

  Queue queue(int i) {
    return queues.get(i);
  }

  long alloc(int bytes, int align) {
    next = (next + align - 1) & -align;
    long at = next;
    next += bytes;
    return at;
  }

  long put(byte[] data) {
    long at = alloc(data.length, 8);
    System.arraycopy(data, 0, ram.bytes, (int) (at - RAM_BASE), data.length);
    return at;
  }

  byte[] get(long addr, int len) {
    byte[] b = new byte[len];
    System.arraycopy(ram.bytes, (int) (addr - RAM_BASE), b, 0, len);
    return b;
  }

  long u64(long addr) {
    return Ram.read64(ram.bytes, (int) (addr - RAM_BASE));
  }

  void write(long addr, int size, long value) {
    Ram.write(ram.bytes, (int) (addr - RAM_BASE), size, value);
  }

  int u16(long addr) {
    return (int) Ram.read(ram.bytes, (int) (addr - RAM_BASE), 2) & 0xffff;
  }

  boolean interrupting() {
    return (plic.read(0x1000, 4) & 1L << IRQ) != 0;
  }

  int status() {
    return reg(0x70);
  }

  /** One buffer of a chain: {@code write} means the device writes it. */
  record Buf(long addr, int len, boolean write) {
    static Buf out(long addr, int len) {
      return new Buf(addr, len, false);
    }

    static Buf in(long addr, int len) {
      return new Buf(addr, len, true);
    }
  }

  record Used(int head, int len) {}

  final class Queue {
    final int index;
    final int size;
    final long desc, avail, used;
    private int nextDesc;
    private int availIdx;
    private int lastUsed;

    Queue(int index, int size) {
      this.index = index;
      this.size = size;
      desc = alloc(16 * size, 16);
      avail = alloc(6 + 2 * size, 2);
      used = alloc(6 + 8 * size, 4);
      reg(0x30, index);
      reg(0x38, size);
      reg(0x80, (int) desc);
      reg(0x84, (int) (desc >>> 32));
      reg(0x90, (int) avail);
      reg(0x94, (int) (avail >>> 32));
      reg(0xa0, (int) used);
      reg(0xa4, (int) (used >>> 32));
      reg(0x44, 1);
    }

    /** Writes descriptor {@code i}; returns its index. */
    int descriptor(int i, long addr, int len, int flags, int next) {
      long d = desc + 16L * i;
      write(d, 8, addr);
      write(d + 8, 4, len);
      write(d + 12, 2, flags);
      write(d + 14, 2, next);
      return i;
    }

    /** Posts a chain of direct descriptors; returns its head. */
    int post(Buf... bufs) {
      int head = nextDesc % size;
      for (int i = 0; i < bufs.length; i++) {
        int at = (nextDesc + i) % size;
        boolean last = i == bufs.length - 1;
        descriptor(
            at,
            bufs[i].addr(),
            bufs[i].len(),
            (last ? 0 : 1) | (bufs[i].write() ? 2 : 0),
            (at + 1) % size);
      }
      nextDesc += bufs.length;
      return publish(head);
    }

    /** Posts one indirect descriptor whose table holds {@code bufs}. */
    int postIndirect(Buf... bufs) {
      long table = alloc(16 * bufs.length, 16);
      for (int i = 0; i < bufs.length; i++) {
        long d = table + 16L * i;
        write(d, 8, bufs[i].addr());
        write(d + 8, 4, bufs[i].len());
        write(d + 12, 2, (i == bufs.length - 1 ? 0 : 1) | (bufs[i].write() ? 2 : 0));
        write(d + 14, 2, i + 1);
      }
      int head = nextDesc++ % size;
      descriptor(head, table, 16 * bufs.length, 4, 0);
      return publish(head);
    }

    /** Makes the chain at {@code head} available (without a kick). */
    int publish(int head) {
      write(avail + 4 + 2L * (availIdx % size), 2, head);
      availIdx = (availIdx + 1) & 0xffff;
      write(avail + 2, 2, availIdx);
      return head;
    }

    void kick() {
      reg(0x50, index);
    }

    void suppressInterrupts(boolean on) {
      write(avail, 2, on ? 1 : 0);
    }

    /** The used elements returned since the last call. */
    List<Used> takeUsed() {
      List<Used> out = new ArrayList<>();
      while (lastUsed != u16(used + 2)) {
        long e = used + 4 + 8L * (lastUsed % size);
        out.add(new Used((int) u64(e), (int) (u64(e) >>> 32)));
        lastUsed = (lastUsed + 1) & 0xffff;
      }
      return out;
    }
  }
}
