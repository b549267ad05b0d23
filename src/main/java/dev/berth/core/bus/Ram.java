package dev.berth.core.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Guest RAM: a little-endian byte array. The CPU reads and writes it directly on its fast path. */
public final class Ram {
  private static final VarHandle I16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  public final long base;
  public final byte[] bytes;

  public Ram(long base, int size) {
    this.base = base;
    this.bytes = new byte[size];
  }

  public int size() {
    return bytes.length;
  }

  /** True if {@code [addr, addr+len)} lies inside RAM. */
  public boolean contains(long addr, long len) {
    long off = addr - base;
    return off >= 0 && len >= 0 && off <= bytes.length - len;
  }

  public static long read(byte[] b, int off, int size) {
    return switch (size) {
      case 1 -> b[off];
      case 2 -> (short) I16.get(b, off);
      case 4 -> (int) I32.get(b, off);
      default -> (long) I64.get(b, off);
    };
  }

  public static void write(byte[] b, int off, int size, long v) {
    switch (size) {
      case 1 -> b[off] = (byte) v;
      case 2 -> I16.set(b, off, (short) v);
      case 4 -> I32.set(b, off, (int) v);
      default -> I64.set(b, off, v);
    }
  }

  public static int read32(byte[] b, int off) {
    return (int) I32.get(b, off);
  }

  public static long read64(byte[] b, int off) {
    return (long) I64.get(b, off);
  }

  public static void write64(byte[] b, int off, long v) {
    I64.set(b, off, v);
  }
}
