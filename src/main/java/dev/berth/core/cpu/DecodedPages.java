package dev.berth.core.cpu;

import dev.berth.core.bus.Ram;

/**
 * The interpreter's decoded instructions, kept per physical RAM page: one {@code long} per halfword
 * of the page, made the first time the instruction there runs and used from then on until the bytes
 * under it are written. An entry packs a compact operation number (so the interpreter dispatches
 * once per instruction, on a dense switch), the register numbers and the immediate, so the
 * interpreter neither fetches nor takes fields apart on its fast path.
 *
 * <p>Pages holding entries are marked in {@link Ram} with this cache's own mark, as translated
 * code's pages are: the soft TLB keeps no write entry for them, so every write to one (a store's
 * slow path, DMA, a page-table update) comes here and clears the entries it overlaps, and the page
 * is unmarked once it has none. Cleared entries are decoded again from RAM when they next run, so
 * an entry is always what the bytes under it say: self-modifying code needs nothing more, FENCE.I
 * included.
 *
 * <p>Entry layout: bits 0–7 the operation ({@link #GENERIC} and friends below; 0 means not
 * decoded), 8–13 rd (32, a register nobody reads, stands for x0, so writes need no test), 14–18
 * rs1, 19–23 rs2, 24–26 the instruction's length in bytes, 32–63 the immediate, sign-extended. A
 * {@link #GENERIC} entry, executed by the hart's general decoder, holds the 32-bit instruction as
 * its immediate and the compressed form, if any, in bits 8–23.
 */
final class DecodedPages implements Ram.CodeWatcher {
  /** The mark this cache sets in {@link Ram} on the pages it holds entries of. */
  static final int MARK = Ram.DECODED;

  static final int SLOTS = 2048;

  // The operations: what the interpreter's switch is on.
  static final int GENERIC = 1, // anything else: CSRs, SYSTEM, AMOs, F and D, illegal encodings
      ILLEGAL_C = 2, // a reserved compressed encoding (tval: its 16 bits)
      CROSSING = 3, // a 32-bit instruction across the page's end: fetched the slow way
      NOP = 4, // FENCE, FENCE.I: one hart, no caches
      LUI = 5,
      AUIPC = 6,
      JAL = 7,
      JALR = 8,
      BEQ = 9,
      BNE = 10,
      BLT = 11,
      BGE = 12,
      BLTU = 13,
      BGEU = 14,
      LB = 15,
      LH = 16,
      LW = 17,
      LD = 18,
      LBU = 19,
      LHU = 20,
      LWU = 21,
      SB = 22,
      SH = 23,
      SW = 24,
      SD = 25,
      ADDI = 26,
      SLTI = 27,
      SLTIU = 28,
      XORI = 29,
      ORI = 30,
      ANDI = 31,
      SLLI = 32,
      SRLI = 33,
      SRAI = 34,
      ADD = 35,
      SUB = 36,
      SLL = 37,
      SLT = 38,
      SLTU = 39,
      XOR = 40,
      SRL = 41,
      SRA = 42,
      OR = 43,
      AND = 44,
      ADDIW = 45,
      SLLIW = 46,
      SRLIW = 47,
      SRAIW = 48,
      ADDW = 49,
      SUBW = 50,
      SLLW = 51,
      SRLW = 52,
      SRAW = 53,
      MUL = 54,
      MULH = 55,
      MULHSU = 56,
      MULHU = 57,
      DIV = 58,
      DIVU = 59,
      REM = 60,
      REMU = 61,
      MULW = 62,
      DIVW = 63,
      DIVUW = 64,
      REMW = 65,
      REMUW = 66,
      MV = 67, // ADDI rd, rs1, 0 and ADD rd, x0, rs2 (C.MV): the commonest moves
      LI = 68; // ADDI rd, x0, imm and LUI-free constants (C.LI)

  /**
   * Set in the entry of an instruction the translating tier has a unit (or an empty one) for: a
   * jump there leaves the interpreter for the dispatcher, with no lookup on the way.
   */
  static final long UNIT = 1L << 27;

  /** The register number a decoded rd of x0 becomes: a 33rd register, written and never read. */
  static final int SINK = 32;

  private final Hart hart;
  private final Ram ram;
  private final byte[] bytes;
  private final long[][] pages;
  private final int[] counts;
  private int allocated;

  /** Pages with decoded entries at most (16 KiB each); past it they are all dropped. */
  private final int limit = Integer.getInteger("berth.decoded.pages", 8192);

  private long decodedEntries, clearedEntries, drops;

  /** The translating tier, if any: it says where its units start. */
  private Translator jit;

  DecodedPages(Hart hart, Ram ram) {
    this.hart = hart;
    this.ram = ram;
    this.bytes = ram.bytes;
    int n = (ram.size() + 0xfff) >>> 12;
    this.pages = new long[n][];
    this.counts = new int[n];
    ram.addCodeWatcher(MARK, this);
  }

  void setTranslator(Translator jit) {
    this.jit = jit;
  }

  /** The translating tier made a unit (or an empty one) at RAM offset {@code off}. */
  void unitMade(int off) {
    long[] p = pages[off >>> 12];
    if (p != null && p[(off & 0xfff) >>> 1] != 0) {
      p[(off & 0xfff) >>> 1] |= UNIT;
    }
  }

  /** A unit at RAM offset {@code off} was discarded. */
  void unitGone(int off) {
    long[] p = pages[off >>> 12];
    if (p != null) {
      p[(off & 0xfff) >>> 1] &= ~UNIT;
    }
  }

  /** Every unit was discarded. */
  void unitsGone() {
    for (long[] p : pages) {
      if (p != null) {
        for (int k = 0; k < SLOTS; k++) {
          p[k] &= ~UNIT;
        }
      }
    }
  }

  String statistics() {
    return String.format(
        "decoded %,d instructions on %d pages (%d cleared by writes, %d drops)",
        decodedEntries, allocated, clearedEntries, drops);
  }

  /**
   * The entries of RAM page {@code ppn} (a whole page of RAM), made empty if there are none yet.
   * Only the interpreter calls this, when it moves to another page: it holds one page's array and
   * gets the next from here, so dropping every page here (the cache is full) never leaves it one.
   */
  long[] page(int ppn) {
    long[] p = pages[ppn];
    if (p == null) {
      if (allocated >= limit) {
        flush();
      }
      p = new long[SLOTS];
      pages[ppn] = p;
      allocated++;
    }
    return p;
  }

  /** Drops every entry (a reset reloaded RAM, or the cache is full). */
  void flush() {
    java.util.Arrays.fill(pages, null);
    java.util.Arrays.fill(counts, 0);
    ram.clearCodeMarks(MARK);
    allocated = 0;
    drops++;
  }

  /**
   * Decodes the instruction at halfword {@code slot} of RAM page {@code ppn} into {@code p} (that
   * page's array) and returns its entry.
   */
  long decode(long[] p, int ppn, int slot) {
    int off = ppn << 12 | slot << 1;
    int lo = (int) Ram.read(bytes, off, 2) & 0xffff;
    long e;
    if ((lo & 3) != 3) {
      int insn = Compressed.expand(lo);
      e = insn == 0 ? entry(ILLEGAL_C, lo << 8, 2, 0) : decode(insn, lo, 2);
    } else if (slot == SLOTS - 1) {
      return entry(CROSSING, 0, 4, 0); // not kept: the next page's bytes are not watched here
    } else {
      e = decode(Ram.read32(bytes, off), 0, 4);
    }
    if (counts[ppn]++ == 0) {
      // The page's first entry: stores to it must now come here. A page translated code was
      // made from is watched already, and the soft TLB has no write entry for it.
      if (!ram.isCode(off)) {
        hart.flushWriteTlb();
      }
      ram.markCode(MARK, off);
    }
    if (jit != null && jit.hasUnit(off)) {
      e |= UNIT;
    }
    decodedEntries++;
    p[slot] = e;
    return e;
  }

  /** Bytes {@code [off, off+len)} were written: the entries they overlap are cleared. */
  @Override
  public boolean codeWritten(int page, int off, int len) {
    long[] p = pages[page];
    if (p == null || counts[page] == 0) {
      return false;
    }
    int pageStart = page << 12;
    int from = Math.max(off, pageStart) - pageStart;
    int to = (int) Math.min((long) off + len, pageStart + 4096L) - pageStart;
    // an instruction starting up to 2 bytes before the first written byte may cover it
    for (int s = Math.max(0, (from - 2) >> 1); s < SLOTS && 2 * s < to; s++) {
      if (p[s] != 0) {
        p[s] = 0;
        counts[page]--;
        clearedEntries++;
      }
    }
    return counts[page] > 0;
  }

  private static long entry(int op, int regs, int len, long imm) {
    return op | (long) regs | (long) len << 24 | imm << 32;
  }

  private static long entry(int op, int rd, int rs1, int rs2, int len, long imm) {
    return op
        | (long) (rd == 0 ? SINK : rd) << 8
        | (long) rs1 << 14
        | (long) rs2 << 19
        | (long) len << 24
        | imm << 32;
  }

  private static long generic(int insn, int compressed, int len) {
    return entry(GENERIC, compressed << 8, len, insn & 0xffffffffL);
  }

  /**
   * The entry for 32-bit instruction {@code i} ({@code compressed}: its 16-bit form, if it is one;
   * {@code len} its length). Anything {@link Hart}'s decoder would reject stays {@link #GENERIC},
   * so it raises illegal-instruction there exactly as before.
   */
  static long decode(int i, int compressed, int len) {
    int rd = Hart.rd(i);
    int rs1 = Hart.rs1(i);
    int rs2 = Hart.rs2(i);
    int f3 = Hart.funct3(i);
    int f7 = i >>> 25;
    long immI = i >> 20;
    int op =
        switch ((i >>> 2) & 31) {
          case 0x00 -> f3 == 7 ? 0 : LB + f3; // LB LH LW LD LBU LHU LWU
          case 0x03 -> f3 <= 1 ? NOP : 0;
          case 0x04 -> opImm(f3, (int) immI, rs1);
          case 0x05 -> AUIPC;
          case 0x06 -> opImm32(f3, (int) immI);
          case 0x08 -> f3 <= 3 ? SB + f3 : 0;
          case 0x0c -> opReg(f7, f3, rs1);
          case 0x0d -> LUI;
          case 0x0e -> opReg32(f7, f3);
          case 0x18 -> f3 == 2 || f3 == 3 ? 0 : f3 < 2 ? BEQ + f3 : BLT + f3 - 4;
          case 0x19 -> f3 == 0 ? JALR : 0;
          case 0x1b -> JAL;
          default -> 0;
        };
    if (op == 0) {
      return generic(i, compressed, len);
    }
    long imm =
        switch (op) {
          case LUI, AUIPC -> i & 0xfffff000;
          case JAL -> Hart.immJ(i);
          case BEQ, BNE, BLT, BGE, BLTU, BGEU -> Hart.immB(i);
          case SB, SH, SW, SD -> Hart.immS(i);
          case SLLI, SRLI, SRAI -> immI & 0x3f;
          case SLLIW, SRLIW, SRAIW -> immI & 0x1f;
          case MV -> 0;
          default -> immI;
        };
    if (op == MV && rs1 == 0) {
      rs1 = rs2; // C.MV: ADD rd, x0, rs2
    }
    if (op == LUI) {
      op = LI; // a constant either way
    }
    return entry(op, rd, rs1, rs2, len, imm);
  }

  private static int opImm(int f3, int imm, int rs1) {
    return switch (f3) {
      case 0 -> rs1 == 0 ? LI : imm == 0 ? MV : ADDI;
      case 1 -> (imm >>> 6 & 0x3f) == 0 ? SLLI : 0;
      case 2 -> SLTI;
      case 3 -> SLTIU;
      case 4 -> XORI;
      case 5 -> {
        int top = (imm >>> 6) & 0x3f;
        yield top == 0 ? SRLI : top == 0x10 ? SRAI : 0;
      }
      case 6 -> ORI;
      default -> ANDI;
    };
  }

  private static int opImm32(int f3, int imm) {
    int top = (imm >>> 5) & 0x7f;
    return switch (f3) {
      case 0 -> ADDIW;
      case 1 -> top == 0 ? SLLIW : 0;
      case 5 -> top == 0 ? SRLIW : top == 0x20 ? SRAIW : 0;
      default -> 0;
    };
  }

  private static int opReg(int f7, int f3, int rs1) {
    if (f7 == 1) {
      return MUL + f3;
    }
    if (f7 == 0) {
      return switch (f3) {
        case 0 -> rs1 == 0 ? MV : ADD;
        case 1 -> SLL;
        case 2 -> SLT;
        case 3 -> SLTU;
        case 4 -> XOR;
        case 5 -> SRL;
        case 6 -> OR;
        default -> AND;
      };
    }
    if (f7 == 0x20) {
      return f3 == 0 ? SUB : f3 == 5 ? SRA : 0;
    }
    return 0;
  }

  private static int opReg32(int f7, int f3) {
    if (f7 == 1) {
      return switch (f3) {
        case 0 -> MULW;
        case 4 -> DIVW;
        case 5 -> DIVUW;
        case 6 -> REMW;
        case 7 -> REMUW;
        default -> 0;
      };
    }
    if (f7 == 0) {
      return f3 == 0 ? ADDW : f3 == 1 ? SLLW : f3 == 5 ? SRLW : 0;
    }
    if (f7 == 0x20) {
      return f3 == 0 ? SUBW : f3 == 5 ? SRAW : 0;
    }
    return 0;
  }
}
