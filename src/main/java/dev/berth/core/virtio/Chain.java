package dev.berth.core.virtio;

import dev.berth.core.bus.Ram;

/**
 * One descriptor chain taken from a virtqueue: its buffers in order, as offsets into RAM, the
 * device-readable ones first and the device-writable ones after. Each queue reuses one instance.
 */
final class Chain {
  private final Ram ram;
  private final int[] offset;
  private final int[] length;
  private int count;
  private int firstWritable;
  private long readable;
  private long writable;
  int head;

  Chain(Ram ram, int capacity) {
    this.ram = ram;
    this.offset = new int[capacity];
    this.length = new int[capacity];
  }

  void clear(int head) {
    this.head = head;
    count = firstWritable = 0;
    readable = writable = 0;
  }

  void add(long addr, int len, boolean deviceWrites) {
    if (count == offset.length) {
      throw new BadRingException("descriptor chain longer than the queue (" + count + ")");
    }
    long unsignedLen = len & 0xffffffffL;
    if (!ram.contains(addr, unsignedLen)) {
      throw new BadRingException(
          String.format("buffer 0x%x+0x%x lies outside RAM", addr, unsignedLen));
    }
    if (!deviceWrites && writable > 0) {
      throw new BadRingException("a device-readable buffer follows a device-writable one");
    }
    offset[count] = (int) (addr - ram.base);
    length[count] = (int) unsignedLen;
    count++;
    if (deviceWrites) {
      writable += unsignedLen;
    } else {
      readable += unsignedLen;
      firstWritable = count;
    }
  }

  /** Bytes the device may read (the driver's request). */
  long readableBytes() {
    return readable;
  }

  /** Bytes the device may write (room for its answer). */
  long writableBytes() {
    return writable;
  }

  int segments() {
    return count;
  }

  /** Index of the first device-writable segment ({@link #segments()} if there is none). */
  int firstWritable() {
    return firstWritable;
  }

  /** Where segment {@code i} starts in {@link Ram#bytes}. */
  int ramOffset(int i) {
    return offset[i];
  }

  int length(int i) {
    return length[i];
  }

  byte[] ram() {
    return ram.bytes;
  }

  /** The device wrote RAM bytes {@code [off, off+len)} directly (see {@link Ram#written}). */
  void written(int off, int len) {
    ram.written(off, len);
  }

  /** Copies up to {@code len} readable bytes from position {@code pos}; returns how many. */
  int read(long pos, byte[] dst, int off, int len) {
    return copy(0, firstWritable, pos, dst, off, len, false);
  }

  /** Copies up to {@code len} bytes into the writable part at {@code pos}; returns how many. */
  int write(long pos, byte[] src, int off, int len) {
    return copy(firstWritable, count, pos, src, off, len, true);
  }

  private int copy(int from, int to, long pos, byte[] b, int off, int len, boolean intoRam) {
    int done = 0;
    for (int i = from; i < to && done < len; i++) {
      if (pos >= length[i]) {
        pos -= length[i];
        continue;
      }
      int n = (int) Math.min(length[i] - pos, len - done);
      int at = offset[i] + (int) pos;
      if (intoRam) {
        System.arraycopy(b, off + done, ram.bytes, at, n);
        ram.written(at, n); // DMA over translated code discards it
      } else {
        System.arraycopy(ram.bytes, at, b, off + done, n);
      }
      done += n;
      pos = 0;
    }
    return done;
  }
}
