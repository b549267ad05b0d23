package dev.berth.core.cpu;

import dev.berth.core.bus.Ram;

/**
 * Sv39 address translation: the page-table walk of the privileged spec 1.12 (permissions, U/SUM,
 * MXR, superpages, hardware A/D updates as QEMU does them) behind a 256-entry direct-mapped
 * translation cache. Permissions are checked on every hit against the current privilege and
 * mstatus, so only satp writes and SFENCE.VMA flush the cache.
 */
final class Mmu {
  static final int FETCH = 0, LOAD = 1, STORE = 2;
  private static final int V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
  private static final int TLB_SIZE = 256;

  /** Where a cached entry's flags keep the level of the leaf entry it came from (0: 4 KiB). */
  private static final int LEVEL_SHIFT = 8;

  private final Hart hart;
  private final Ram ramDevice;
  private final byte[] ram;
  private final long ramBase;
  private final long ramSize;

  /**
   * vpn + 1 of each cached page (0 = empty), its physical page base, and its PTE flags with the
   * leaf's level above them.
   */
  private final long[] tag = new long[TLB_SIZE];

  private final long[] page = new long[TLB_SIZE];

  /** The level of the leaf entry behind the last translation (0: a 4 KiB page). */
  int leafLevel;

  private final int[] flags = new int[TLB_SIZE];

  Mmu(Hart hart, Ram ram) {
    this.hart = hart;
    this.ramDevice = ram;
    this.ram = ram.bytes;
    this.ramBase = ram.base;
    this.ramSize = ram.size();
  }

  void flush() {
    java.util.Arrays.fill(tag, 0);
  }

  /**
   * SFENCE.VMA of one address: the cached 4 KiB pieces made from the leaf entry that maps {@code
   * va} go (every piece of a superpage), the rest stays: Linux fences single pages thousands of
   * times while it boots, and a full flush made each one cost a page-table walk per page touched.
   */
  void flushPage(long va) {
    long vpn = (va >>> 12) & ((1L << 27) - 1);
    for (int i = 0; i < TLB_SIZE; i++) {
      if (tag[i] != 0) {
        int shift = 9 * (flags[i] >>> LEVEL_SHIFT);
        if ((tag[i] - 1) >>> shift == vpn >>> shift) {
          tag[i] = 0;
        }
      }
    }
  }

  /** The physical address of {@code va}, or a page or access fault for {@code access}. */
  long translate(long va, int access, int effectivePriv) {
    if (((va << 25) >> 25) != va) {
      throw hart.pageFault(access, va); // not sign-extended from bit 38
    }
    long vpn = (va >>> 12) & ((1L << 27) - 1);
    int i = (int) vpn & (TLB_SIZE - 1);
    if (tag[i] == vpn + 1) {
      int f = flags[i];
      if (allowed(f, access, effectivePriv) && (access != STORE || (f & D) != 0)) {
        leafLevel = f >>> LEVEL_SHIFT;
        return page[i] | (va & 0xfff);
      }
    }
    return walk(va, vpn, i, access, effectivePriv);
  }

  private boolean allowed(int f, int access, int p) {
    long status = hart.csr.mstatus;
    if ((f & U) != 0) {
      if (p == Priv.S && (access == FETCH || (status & Csr.SUM) == 0)) {
        return false;
      }
    } else if (p == Priv.U) {
      return false;
    }
    return switch (access) {
      case FETCH -> (f & X) != 0;
      case LOAD -> (f & R) != 0 || ((f & X) != 0 && (status & Csr.MXR) != 0);
      default -> (f & W) != 0;
    };
  }

  private long walk(long va, long vpn, int slot, int access, int p) {
    long table = (hart.csr.satp & ((1L << 44) - 1)) << 12;
    for (int level = 2; level >= 0; level--) {
      long pteAddr = table + ((vpn >>> (9 * level)) & 511) * 8;
      long pte = readPte(pteAddr, access, va);
      int f = (int) pte & 0xff;
      if ((f & V) == 0 || ((f & R) == 0 && (f & W) != 0) || (pte >>> 54) != 0) {
        throw hart.pageFault(access, va);
      }
      long ppn = (pte >>> 10) & ((1L << 44) - 1);
      if ((f & (R | X)) == 0) {
        table = ppn << 12; // a pointer to the next level
        continue;
      }
      long low = (1L << (9 * level)) - 1;
      if ((ppn & low) != 0 || !allowed(f, access, p)) {
        throw hart.pageFault(access, va); // misaligned superpage, or not permitted
      }
      int updated = f | A | (access == STORE ? D : 0);
      if (updated != f) {
        writePte(pteAddr, pte | (updated & (A | D)), access, va);
      }
      long base = ((ppn & ~low) | (vpn & low)) << 12;
      tag[slot] = vpn + 1;
      page[slot] = base;
      flags[slot] = updated | level << LEVEL_SHIFT;
      leafLevel = level;
      return base | (va & 0xfff);
    }
    throw hart.pageFault(access, va);
  }

  /** Page tables must live in RAM: anything else is an access fault of the access's kind. */
  private long readPte(long pa, int access, long va) {
    long off = pa - ramBase;
    if (off < 0 || off > ramSize - 8) {
      throw hart.accessFault(access, va);
    }
    return Ram.read64(ram, (int) off);
  }

  private void writePte(long pa, long pte, int access, long va) {
    long off = pa - ramBase;
    if (off < 0 || off > ramSize - 8) {
      throw hart.accessFault(access, va);
    }
    Ram.write64(ram, (int) off, pte);
    ramDevice.written((int) off, 8); // a page table on a page with translated code
  }
}
