package dev.berth.core.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest RAM: a little-endian byte array. The CPU reads and writes it directly on its fast path.
 * Pages that translated code or the interpreter's decoded instructions were made from are marked
 * (each with its own mark); a write to one through {@link #written} (the CPU's slow path, device
 * DMA) tells that mark's {@link CodeWatcher}, and the mark goes once the watcher has nothing left
 * there.
 */
public final class Ram {
  /** Told when a page holding translated code is written, so that code can be discarded. */
  public interface CodeWatcher {
    /**
     * Bytes {@code [off, off+len)} (RAM offsets, reaching into page {@code page} at least) were
     * written; returns true if code made from the page remains.
     */
    boolean codeWritten(int page, int off, int len);
  }

  /** The marks: translated units, and the interpreter's decoded instructions. */
  public static final int TRANSLATED = 1, DECODED = 2;

  public static final int PAGE_SHIFT = 12;

  private static final VarHandle I16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  public final long base;

  /**
   * RAM, then (at {@link #size()}) the memory of a device that the CPU may reach the way it reaches
   * RAM, through its soft TLB: the window (see {@link #mapWindow}).
   */
  public final byte[] bytes;

  private final int size;

  /**
   * Told when the CPU's fast path may be about to write a page of the window: a store through the
   * soft TLB then tells nobody, so the device learns it here, page by page.
   */
  public interface WindowWatcher {
    /** Page {@code page} of the window (its offset / 4096) may be written from now on. */
    void pageMayChange(int page);
  }

  private long windowBase = -1;
  private int windowSize;
  private WindowWatcher windowWatcher;

  /** One byte per 4 KiB page: the marks of the code made from it. */
  private final byte[] code;

  private final CodeWatcher[] watchers = new CodeWatcher[DECODED + 1];

  public Ram(long base, int size) {
    this(base, size, 0);
  }

  /** RAM of {@code size} bytes at {@code base}, with room for a window of {@code window} bytes. */
  public Ram(long base, int size, int window) {
    this.base = base;
    this.size = size;
    this.bytes = new byte[size + window];
    this.code = new byte[(size + (1 << PAGE_SHIFT) - 1) >>> PAGE_SHIFT];
  }

  /**
   * Physical addresses {@code [pa, pa+len)} (whole pages) are a device's memory kept in {@link
   * #bytes} after RAM: the CPU may map their pages in its soft TLB as it maps RAM pages, telling
   * {@code watcher} first. The device is still on the bus for everything else.
   */
  public void mapWindow(long pa, int len, WindowWatcher watcher) {
    if (len > bytes.length - size || ((pa | len) & 0xfff) != 0) {
      throw new IllegalArgumentException(
          "window of " + len + " bytes at 0x" + Long.toHexString(pa));
    }
    this.windowBase = pa;
    this.windowSize = len;
    this.windowWatcher = watcher;
  }

  /**
   * The offset in {@link #bytes} of physical address {@code pa} if its page is in the window, its
   * watcher told that the page may now be written; -1 if it is not.
   */
  public long windowPage(long pa) {
    long off = windowOffset(pa);
    if (off >= 0) {
      windowWatcher.pageMayChange((int) ((off - size) >>> PAGE_SHIFT));
    }
    return off;
  }

  /**
   * The offset in {@link #bytes} of physical address {@code pa} if it is in the window, else -1.
   */
  public long windowOffset(long pa) {
    long rel = pa - windowBase;
    if (windowBase < 0 || rel < 0 || rel >= windowSize) {
      return -1;
    }
    return size + rel;
  }

  /** {@code w} is told of writes to the pages marked with {@code mark}. */
  public void addCodeWatcher(int mark, CodeWatcher w) {
    watchers[mark] = w;
  }

  /** Marks the page holding RAM offset {@code off} with {@code mark}. */
  public void markCode(int mark, int off) {
    code[off >>> PAGE_SHIFT] |= (byte) mark;
  }

  /** True if the page holding {@code off} has any mark. */
  public boolean isCode(int off) {
    return code[off >>> PAGE_SHIFT] != 0;
  }

  /** Takes {@code mark} off every page (the code it stands for was all discarded). */
  public void clearCodeMarks(int mark) {
    for (int p = 0; p < code.length; p++) {
      code[p] &= (byte) ~mark;
    }
  }

  /**
   * Bytes {@code [off, off+len)} were just written by someone other than the CPU's fast path: a
   * page among them that holds code is reported to its watchers, and each mark goes once its
   * watcher has no code left there. Cheap when none does.
   */
  public void written(int off, int len) {
    int first = off >>> PAGE_SHIFT;
    int last = (off + len - 1) >>> PAGE_SHIFT;
    for (int p = first; p <= last; p++) {
      int marks = code[p];
      if (marks != 0) {
        for (int m = TRANSLATED; m <= DECODED; m <<= 1) {
          if ((marks & m) != 0 && !watchers[m].codeWritten(p, off, len)) {
            code[p] &= (byte) ~m;
          }
        }
      }
    }
  }

  /** The size of RAM (without the window). */
  public int size() {
    return size;
  }

  /** True if {@code [addr, addr+len)} lies inside RAM. */
  public boolean contains(long addr, long len) {
    long off = addr - base;
    return off >= 0 && len >= 0 && off <= size - len;
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
