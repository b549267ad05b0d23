package dev.berth.core.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest RAM: a little-endian byte array. The CPU reads and writes it directly on its fast path.
 * Pages that translated code was made from are marked; a write to one through {@link #written} (the
 * CPU's slow path, device DMA) unmarks it and tells the {@link CodeWatcher}.
 */
public final class Ram {
  /** Told when a page holding translated code is written, so that code can be discarded. */
  public interface CodeWatcher {
    /**
     * Bytes {@code [off, off+len)} of page {@code page} (RAM offsets) were written; returns true if
     * translated code made from the page remains.
     */
    boolean codeWritten(int page, int off, int len);
  }

  public static final int PAGE_SHIFT = 12;

  private static final VarHandle I16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  public final long base;
  public final byte[] bytes;

  /** One flag per 4 KiB page: 1 while translated code made from that page may exist. */
  private final byte[] code;

  /** Per page, one bit per 64-byte chunk that translated code was made from. */
  private final long[] chunks;

  private CodeWatcher watcher;

  public Ram(long base, int size) {
    this.base = base;
    this.bytes = new byte[size];
    this.code = new byte[(size + (1 << PAGE_SHIFT) - 1) >>> PAGE_SHIFT];
    this.chunks = new long[code.length];
  }

  public void setCodeWatcher(CodeWatcher w) {
    this.watcher = w;
  }

  /** Marks {@code [off, off+len)} (within one page) as the source of translated code. */
  public void markCode(int off, int len) {
    code[off >>> PAGE_SHIFT] = 1;
    chunks[off >>> PAGE_SHIFT] |= chunkMask(off, off + len);
  }

  /** The chunk bits of the bytes [from, to) of from's page (to at most the page's end). */
  private static long chunkMask(int from, int to) {
    int first = (from & 0xfff) >>> 6;
    int last = ((to - 1) & 0xfff) >>> 6;
    return (-1L << first) & (-1L >>> (63 - last));
  }

  public boolean isCode(int off) {
    return code[off >>> PAGE_SHIFT] != 0;
  }

  /** Forgets every mark (the translated code was all discarded). */
  public void clearCodeMarks() {
    java.util.Arrays.fill(code, (byte) 0);
    java.util.Arrays.fill(chunks, 0);
  }

  /**
   * Bytes {@code [off, off+len)} were just written by someone other than translated code's fast
   * path: a page among them that holds code is reported, and unmarked once no code is left. Cheap
   * when none does.
   */
  public void written(int off, int len) {
    int first = off >>> PAGE_SHIFT;
    int last = (off + len - 1) >>> PAGE_SHIFT;
    for (int p = first; p <= last; p++) {
      if (code[p] != 0 && !watcher.codeWritten(p, off, len)) {
        code[p] = 0;
      }
    }
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
