package dev.berth.core.cpu;

import static dev.berth.core.cpu.Csr.*;

import dev.berth.core.bus.Bus;
import dev.berth.core.bus.BusFault;
import dev.berth.core.bus.Ram;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * One RV64IMAFDC hart with Zicsr and Zifencei and the M, S and U privilege modes. It executes on
 * the machine's worker thread only. Two tiers run guest code: the interpreter ({@link #execute},
 * every address through {@link #translate}; the F and D instructions are {@link FpInstructions}')
 * and, unless turned off, the {@link Translator}'s units of JVM bytecode for hot code, which reach
 * RAM through the soft TLB kept here and come back to the slow paths below on a miss.
 */
public final class Hart implements Saveable {
  private static final int FETCH = Mmu.FETCH, LOAD = Mmu.LOAD, STORE = Mmu.STORE;

  /** {@code -Dberth.jit=false} runs the interpreter alone. */
  public static boolean translationByDefault() {
    return !"false".equals(System.getProperty("berth.jit"));
  }

  // ---- the soft TLB of translated code ----------------------------------------------------
  // One table per data-access regime (effective privilege x SUM), so a privilege change only
  // selects another table. A hit gives the RAM offset directly: off = va + add[slot]. An entry is
  // made only after a full translation allowed the access, and only for RAM; write entries never
  // point at a page holding translated code, so such stores take the slow path, which discards
  // the code.
  static final int TLB_BITS = 10, TLB_MASK = (1 << TLB_BITS) - 1;
  private static final int REGIMES = 8;
  private final long[][] tagR = new long[REGIMES][1 << TLB_BITS];
  private final long[][] addR = new long[REGIMES][1 << TLB_BITS];
  private final long[][] tagW = new long[REGIMES][1 << TLB_BITS];
  private final long[][] addW = new long[REGIMES][1 << TLB_BITS];
  private final long[][] tagX = new long[4][1 << TLB_BITS]; // fetches, per privilege
  private final long[][] addX = new long[4][1 << TLB_BITS];
  private long[] curTagX, curAddX;
  private int regime;

  /**
   * The entries filled since the last full flush, as (table << TLB_BITS | slot), tables numbered
   * read regimes, write regimes, fetch privileges: a flush clears just those (Linux flushes
   * thousands of times while booting, having touched a few dozen pages in between).
   */
  private final long[][] tables = new long[2 * REGIMES + 4][];

  private final int[] fillLog = new int[256];
  private int fills;

  /** The current regime's tables, read by translated code at unit entry. */
  long[] curTagR, curAddR, curTagW, curAddW;

  /** Set when translated code must return to the dispatcher after the current instruction. */
  boolean leaveUnit;

  /** instret at which translated code returns at its next backward branch (the slice's end). */
  long unitLimit;

  private final Translator jit;

  private final DecodedPages decoded;

  /** Instructions retired inside translated units (statistics). */
  long translatedRetired, unitRuns, slowAccesses;

  /**
   * Integer registers; x0 is kept at zero by never writing it. The 33rd is where the interpreter's
   * decoded instructions write a result for x0: written, never read.
   */
  final long[] x = new long[DecodedPages.SINK + 1];

  long pc;
  int priv = Priv.M;
  long instret;

  final CsrFile csr;
  private final FpInstructions fp;
  private final Mmu mmu;
  private final Bus bus;
  private final Ram ramDevice;
  final byte[] ram;
  private final long ramBase;
  private final long ramSize;
  private final Trap trap = new Trap();

  private boolean interruptCheck = true;

  /** satp's mode is Sv39: read on every access, so kept here rather than decoded from satp. */
  private boolean sv39;

  /** The level of the leaf entry the last {@link #translate} used (0: a 4 KiB page, or none). */
  private int leafLevel;

  private boolean waitingForInterrupt;
  private boolean endSlice;
  private long reservation = -1;

  public Hart(Bus bus, TimeSource time) {
    this(bus, time, translationByDefault());
  }

  /** A hart whose hot code is translated to JVM bytecode if {@code translate}. */
  public Hart(Bus bus, TimeSource time, boolean translate) {
    this.bus = bus;
    this.ramDevice = bus.ram();
    this.ram = bus.ram().bytes;
    this.ramBase = bus.ram().base;
    this.ramSize = bus.ram().size();
    this.csr = new CsrFile(this, time);
    this.fp = new FpInstructions(this, csr);
    this.mmu = new Mmu(this, bus.ram());
    this.decoded = new DecodedPages(this, bus.ram());
    this.jit = translate ? new Translator(this, bus.ram(), decoded) : null;
    for (int r = 0; r < REGIMES; r++) {
      java.util.Arrays.fill(tagR[r], -1); // -1 is no page number: every entry empty
      java.util.Arrays.fill(tagW[r], -1);
    }
    for (long[] t : tagX) {
      java.util.Arrays.fill(t, -1);
    }
    for (int r = 0; r < REGIMES; r++) {
      tables[r] = tagR[r];
      tables[REGIMES + r] = tagW[r];
    }
    for (int p = 0; p < 4; p++) {
      tables[2 * REGIMES + p] = tagX[p];
    }
    selectRegime();
  }

  /** What the translating tier holds and has done, for diagnostics; "" without it. */
  public String translationStatistics() {
    return jit == null
        ? ""
        : decoded.statistics()
            + "; "
            + String.format(
                "%,d instructions run translated in %,d unit runs, %,d soft-TLB misses; ",
                translatedRetired, unitRuns, slowAccesses)
            + jit.statistics();
  }

  public boolean translates() {
    return jit != null;
  }

  /** Power-on reset: M-mode at {@code entry}, with a0 = hart id (0) and a1 = {@code a1}. */
  public void reset(long entry, long a1) {
    java.util.Arrays.fill(x, 0);
    fp.reset();
    csr.reset();
    x[11] = a1;
    pc = entry;
    priv = Priv.M;
    instret = 0;
    reservation = -1;
    waitingForInterrupt = false;
    endSlice = false;
    decoded.flush(); // the images were reloaded under it
    if (jit != null) {
      jit.flushAll();
    }
    satpChanged();
    selectRegime();
    interruptCheck = true;
  }

  /**
   * The hart as a saved machine keeps it: registers, CSRs, the FPU, the privilege, instret, the LR
   * reservation and whether it waits in WFI. Caches (TLBs, translated code) are not state.
   */
  @Override
  public void save(StateOut out) {
    out.begin("hart").longs(x).i64(pc).i32(priv).i64(instret).i64(reservation);
    out.bool(waitingForInterrupt);
    csr.save(out);
    fp.save(out);
  }

  /** Takes a saved hart's state, then drops every cache as a reset does. */
  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("hart").longs(x);
    x[0] = 0;
    pc = in.i64();
    priv = in.i32(Priv.U, Priv.M);
    if (priv == 2) {
      throw new StateException("the saved state is damaged (privilege 2)");
    }
    instret = in.i64();
    reservation = in.i64();
    waitingForInterrupt = in.bool();
    csr.restore(in);
    fp.restore(in);
    endSlice = false;
    decoded.flush(); // RAM was replaced under both
    if (jit != null) {
      jit.flushAll();
    }
    satpChanged();
    selectRegime();
    interruptCheck = true;
  }

  // ---- what the machine sees -------------------------------------------------------------

  public long pc() {
    return pc;
  }

  public int privilege() {
    return priv;
  }

  /** The last trap taken into M-mode: "mcause=… mepc=… mtval=…" (diagnostics). */
  public String lastMachineTrap() {
    return String.format("mcause=0x%x mepc=0x%x mtval=0x%x", csr.mcause, csr.mepc, csr.mtval);
  }

  public long instructionsRetired() {
    return instret;
  }

  /** True while the hart sits in WFI with no interrupt to wake it. */
  public boolean isWaiting() {
    return waitingForInterrupt;
  }

  /** A device raised or lowered an interrupt line (MSIP, MTIP, MEIP or SEIP). */
  public void setInterruptLine(int irq, boolean level) {
    csr.setLine(irq, level);
  }

  /** True if some interrupt is both pending and enabled in mie: what ends WFI. */
  public boolean hasWakeUp() {
    return (csr.mip() & csr.mie) != 0;
  }

  /**
   * Ends the current slice after this instruction, so the machine acts on a request a device just
   * made (power off, reset) before the guest runs on.
   */
  public void endSlice() {
    endSlice = true;
    leaveUnit = true;
  }

  /** True if interrupt {@code irq} is pending in mip, enabled or not. */
  public boolean isPending(int irq) {
    return (csr.mip() >>> irq & 1) != 0;
  }

  void interruptsChanged() {
    interruptCheck = true;
    leaveUnit = true;
  }

  /**
   * Runs up to {@code budget} instructions; returns early when the hart enters WFI or a device ends
   * the slice. Traps are taken inside; nothing escapes. The pc lives in a local while the loop runs
   * and is written back whenever something else may look at it.
   */
  public long run(long budget) {
    if (waitingForInterrupt) {
      if (!hasWakeUp()) {
        return 0;
      }
      waitingForInterrupt = false;
    }
    long start = instret;
    if (jit == null) {
      interpret(budget, false);
    } else {
      dispatch(budget);
    }
    endSlice = false;
    if (windowFills > 0) {
      releaseWindow();
    }
    return instret - start;
  }

  /**
   * The translating tier's loop: a translated unit where there is one (interrupts and requests are
   * looked at between units, and units leave as soon as something may need them), the interpreter
   * up to the next jump where there is none.
   */
  private void dispatch(long budget) {
    jit.installTranslations();
    long n = 0;
    while (n < budget && !endSlice) {
      if (interruptCheck) {
        interruptCheck = false;
        takePendingInterrupt();
      }
      Unit u = jit.lookup(pc, priv);
      if (u == null) {
        n += interpret(budget - n, true);
        continue;
      }
      if (u.empty) {
        // One instruction the units leave out (a CSR access, say): the code after it is
        // looked up at once, so a hot loop around it stays translated.
        n += interpret(1, false);
        continue;
      }
      leaveUnit = false;
      long before = instret;
      unitLimit = before + (budget - n);
      try {
        pc = u.run(this);
      } catch (Trap t) {
        enterTrap(t.cause, t.tval, false); // the unit left pc and instret at the instruction
        n++;
      }
      n += instret - before;
      translatedRetired += instret - before;
      unitRuns++;
    }
  }

  /**
   * Interprets up to {@code budget} instructions, or (if {@code oneBlock}) up to the first jump to
   * code the translating tier has or wants, or the first trap; returns how many steps it took,
   * traps included.
   *
   * <p>{@link #fast} runs what needs no slow path; this method takes the instruction it stops at
   * the long way, with its trap if it has one, and looks at what may have changed (a device ending
   * the slice, an interrupt line or enable that moved): only a slow path, a generic instruction or
   * a trap can change those.
   */
  private long interpret(long budget, boolean oneBlock) {
    long n = 0;
    boolean check = true;
    while (n < budget) {
      if (check) {
        check = false;
        if (endSlice) {
          break;
        }
        if (interruptCheck) {
          interruptCheck = false;
          takePendingInterrupt();
        }
      }
      n += fast(budget - n, oneBlock);
      int stop = fastStop;
      if (stop == STOP_BUDGET
          || stop == STOP_WANTED
          || (stop == STOP_NO_PAGE_JUMPED && jit.wants(this.pc, priv))) {
        break;
      }
      n++;
      long pc = this.pc;
      int step = stop >= STOP_NO_PAGE ? slowStep(pc) : slowEntry(slowEntry, pc);
      check = true;
      if (endSlice
          || (oneBlock && (step == TRAPPED || (step == JUMPED && jit.wants(this.pc, priv))))) {
        break;
      }
    }
    return n;
  }

  // Why fast() stopped: the budget is spent, it jumped to code the translating tier wants, the
  // instruction at pc needs a slow path (slowEntry), or pc's page has no fetch-TLB entry.
  private static final int STOP_BUDGET = 0, STOP_WANTED = 1, STOP_SLOW = 2, STOP_NO_PAGE = 3;

  /** pc is a jump target on a page with no fetch-TLB entry: the dispatcher may want it. */
  private static final int STOP_NO_PAGE_JUMPED = 4;

  // What a slow step did.
  private static final int TRAPPED = 0, RETIRED = 1, JUMPED = 2;

  private int fastStop;

  /** The decoded instruction fast() stopped at, and the address it would access. */
  private long slowEntry, slowVa;

  /**
   * Runs decoded instructions from pc for as long as none needs a slow path: up to {@code budget},
   * a soft-TLB miss, an instruction that is not simple (generic, across a page, reserved), or a pc
   * on a page the fetch TLB has no entry for; returns how many retired, and leaves pc and instret
   * up to date and the reason in {@link #fastStop}. Nothing here can trap, and nothing it does can
   * end the slice or raise an interrupt, so it tests for neither: it is small enough for HotSpot to
   * compile once and well.
   *
   * <p>Within a page it indexes the page's entries ({@link DecodedPages}) by the pc's offset, and
   * it looks a page up through the fetch TLB only when the pc leaves it.
   */
  private long fast(long budget, boolean oneBlock) {
    final long[] x = this.x;
    final byte[] ram = this.ram;
    long pc = this.pc;
    final int max = (int) Math.min(budget, 1 << 30);
    final int chunk = oneBlock ? Translator.MAX_INSTRUCTIONS : 1 << 30;
    int n = 0;
    // n reaches limit at the budget's end and at each counting point: a jump target, or where a
    // unit started at the last one would end if it went straight on (one test per instruction)
    int limit = Math.min(max, chunk);
    long[] page = null;
    long pageVa = 1; // the virtual address of page[0]; 1 is none
    int ppn = 0;
    int stop = STOP_SLOW;
    long e = 0;
    loop:
    while (true) {
      long rel = pc - pageVa;
      if (rel >>> 12 != 0) {
        if (n >= max) {
          stop = STOP_BUDGET;
          break;
        }
        int slot = (int) (pc >>> 12) & TLB_MASK;
        if (curTagX[slot] != pc >>> 12) {
          stop = oneBlock && n == limit ? STOP_NO_PAGE_JUMPED : STOP_NO_PAGE;
          break;
        }
        ppn = (int) ((pc + curAddX[slot]) >>> 12);
        page = decoded.page(ppn);
        pageVa = pc & ~0xfffL;
        rel = pc & 0xfff;
      }
      int at = (int) rel >>> 1;
      e = page[at];
      if (e == 0) {
        e = decoded.decode(page, ppn, at);
      }
      if (n >= limit) {
        if (n >= max) {
          stop = STOP_BUDGET;
          break;
        }
        // A counting point: the dispatcher takes over where the translating tier has or wants a
        // unit. Counting where straight code crosses a unit's length too lets long straight
        // code (an unrolled hash, say) be translated whole, not one unit further each time the
        // last unit's exit became hot.
        if (oneBlock && ((e & DecodedPages.UNIT) != 0 || jit.hot(pc))) {
          stop = STOP_WANTED;
          break;
        }
        limit = (int) Math.min(max, (long) n + chunk);
      }
      int len = (int) (e >>> 24) & 7;
      switch ((int) e & 0xff) {
        case DecodedPages.LI -> x[rd(e)] = e >> 32;
        case DecodedPages.MV -> x[rd(e)] = x[rs1(e)];
        case DecodedPages.ADDI -> x[rd(e)] = x[rs1(e)] + (e >> 32);
        case DecodedPages.ADDIW -> x[rd(e)] = (int) x[rs1(e)] + (int) (e >> 32);
        case DecodedPages.ADD -> x[rd(e)] = x[rs1(e)] + x[rs2(e)];
        case DecodedPages.ADDW -> x[rd(e)] = (int) x[rs1(e)] + (int) x[rs2(e)];
        case DecodedPages.SUB -> x[rd(e)] = x[rs1(e)] - x[rs2(e)];
        case DecodedPages.SUBW -> x[rd(e)] = (int) x[rs1(e)] - (int) x[rs2(e)];
        case DecodedPages.AUIPC -> x[rd(e)] = pc + (e >> 32);
        case DecodedPages.SLLI -> x[rd(e)] = x[rs1(e)] << (e >> 32);
        case DecodedPages.SRLI -> x[rd(e)] = x[rs1(e)] >>> (e >> 32);
        case DecodedPages.SRAI -> x[rd(e)] = x[rs1(e)] >> (e >> 32);
        case DecodedPages.SLLIW -> x[rd(e)] = (int) x[rs1(e)] << (e >> 32);
        case DecodedPages.SRLIW -> x[rd(e)] = (int) x[rs1(e)] >>> (e >> 32);
        case DecodedPages.SRAIW -> x[rd(e)] = (int) x[rs1(e)] >> (e >> 32);
        case DecodedPages.ANDI -> x[rd(e)] = x[rs1(e)] & (e >> 32);
        case DecodedPages.ORI -> x[rd(e)] = x[rs1(e)] | (e >> 32);
        case DecodedPages.XORI -> x[rd(e)] = x[rs1(e)] ^ (e >> 32);
        case DecodedPages.SLTI -> x[rd(e)] = x[rs1(e)] < (e >> 32) ? 1 : 0;
        case DecodedPages.SLTIU ->
            x[rd(e)] = x[rs1(e)] + Long.MIN_VALUE < (e >> 32) + Long.MIN_VALUE ? 1 : 0;
        case DecodedPages.AND -> x[rd(e)] = x[rs1(e)] & x[rs2(e)];
        case DecodedPages.OR -> x[rd(e)] = x[rs1(e)] | x[rs2(e)];
        case DecodedPages.XOR -> x[rd(e)] = x[rs1(e)] ^ x[rs2(e)];
        case DecodedPages.SLL -> x[rd(e)] = x[rs1(e)] << x[rs2(e)];
        case DecodedPages.SRL -> x[rd(e)] = x[rs1(e)] >>> x[rs2(e)];
        case DecodedPages.SRA -> x[rd(e)] = x[rs1(e)] >> x[rs2(e)];
        case DecodedPages.SLLW -> x[rd(e)] = (int) x[rs1(e)] << x[rs2(e)];
        case DecodedPages.SRLW -> x[rd(e)] = (int) x[rs1(e)] >>> x[rs2(e)];
        case DecodedPages.SRAW -> x[rd(e)] = (int) x[rs1(e)] >> x[rs2(e)];
        case DecodedPages.SLT -> x[rd(e)] = x[rs1(e)] < x[rs2(e)] ? 1 : 0;
        case DecodedPages.SLTU ->
            x[rd(e)] = x[rs1(e)] + Long.MIN_VALUE < x[rs2(e)] + Long.MIN_VALUE ? 1 : 0;
        case DecodedPages.MUL -> x[rd(e)] = x[rs1(e)] * x[rs2(e)];
        case DecodedPages.MULW -> x[rd(e)] = (int) x[rs1(e)] * (int) x[rs2(e)];
        case DecodedPages.NOP -> {}
        case DecodedPages.LD -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 7) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 8);
        }
        case DecodedPages.LW -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 3) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 4);
        }
        case DecodedPages.LWU -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 3) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 4) & 0xffffffffL;
        }
        case DecodedPages.LH -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 1) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 2);
        }
        case DecodedPages.LHU -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 1) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 2) & 0xffff;
        }
        case DecodedPages.LB -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 0) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 1);
        }
        case DecodedPages.LBU -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagR[slot] != (va + 0) >>> 12) {
            slowVa = va;
            break loop;
          }
          x[rd(e)] = Ram.read(ram, (int) (va + curAddR[slot]), 1) & 0xff;
        }
        case DecodedPages.SD -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagW[slot] != (va + 7) >>> 12) {
            slowVa = va;
            break loop;
          }
          Ram.write(ram, (int) (va + curAddW[slot]), 8, x[rs2(e)]);
        }
        case DecodedPages.SW -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagW[slot] != (va + 3) >>> 12) {
            slowVa = va;
            break loop;
          }
          Ram.write(ram, (int) (va + curAddW[slot]), 4, x[rs2(e)]);
        }
        case DecodedPages.SH -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagW[slot] != (va + 1) >>> 12) {
            slowVa = va;
            break loop;
          }
          Ram.write(ram, (int) (va + curAddW[slot]), 2, x[rs2(e)]);
        }
        case DecodedPages.SB -> {
          long va = x[rs1(e)] + (e >> 32);
          int slot = (int) (va >>> 12) & TLB_MASK;
          if (curTagW[slot] != (va + 0) >>> 12) {
            slowVa = va;
            break loop;
          }
          Ram.write(ram, (int) (va + curAddW[slot]), 1, x[rs2(e)]);
        }
        case DecodedPages.BEQ,
            DecodedPages.BNE,
            DecodedPages.BLT,
            DecodedPages.BGE,
            DecodedPages.BLTU,
            DecodedPages.BGEU -> {
          long a = x[rs1(e)];
          long b = x[rs2(e)];
          boolean taken =
              switch ((int) e & 0xff) {
                case DecodedPages.BEQ -> a == b;
                case DecodedPages.BNE -> a != b;
                case DecodedPages.BLT -> a < b;
                case DecodedPages.BGE -> a >= b;
                case DecodedPages.BLTU -> a + Long.MIN_VALUE < b + Long.MIN_VALUE;
                default -> a + Long.MIN_VALUE >= b + Long.MIN_VALUE;
              };
          if (taken && (e >> 32) != len) {
            pc += e >> 32;
            n++;
            limit = n;
            continue;
          }
        }
        case DecodedPages.JAL -> {
          x[rd(e)] = pc + len;
          if ((e >> 32) != len) {
            pc += e >> 32;
            n++;
            limit = n;
            continue;
          }
        }
        case DecodedPages.JALR -> {
          long target = (x[rs1(e)] + (e >> 32)) & ~1L;
          x[rd(e)] = pc + len;
          if (target != pc + len) {
            pc = target;
            n++;
            limit = n;
            continue;
          }
        }
        default -> {
          break loop; // generic, multiply-high, divide, reserved, across the page: the slow way
        }
      }
      pc += len;
      n++;
    }
    slowEntry = e;
    fastStop = stop;
    this.pc = pc;
    instret += n;
    return n;
  }

  private static int rd(long e) {
    return (int) (e >>> 8) & 63;
  }

  private static int rs1(long e) {
    return (int) (e >>> 14) & 31;
  }

  private static int rs2(long e) {
    return (int) (e >>> 19) & 31;
  }

  /**
   * The instruction {@link #fast} stopped at: decoded entry {@code e} at {@code pc}, its access (if
   * any) at {@link #slowVa}. Returns what it did; a trap is taken.
   */
  private int slowEntry(long e, long pc) {
    int len = (int) (e >>> 24) & 7;
    int op = (int) e & 0xff;
    long next = pc + len;
    try {
      switch (op) {
        case DecodedPages.LD -> x[rd(e)] = loadSlow(slowVa, 8);
        case DecodedPages.LW -> x[rd(e)] = loadSlow(slowVa, 4);
        case DecodedPages.LWU -> x[rd(e)] = loadSlow(slowVa, 4) & 0xffffffffL;
        case DecodedPages.LH -> x[rd(e)] = loadSlow(slowVa, 2);
        case DecodedPages.LHU -> x[rd(e)] = loadSlow(slowVa, 2) & 0xffff;
        case DecodedPages.LB -> x[rd(e)] = loadSlow(slowVa, 1);
        case DecodedPages.LBU -> x[rd(e)] = loadSlow(slowVa, 1) & 0xff;
        case DecodedPages.SD -> storeSlow(slowVa, 8, x[rs2(e)]);
        case DecodedPages.SW -> storeSlow(slowVa, 4, x[rs2(e)]);
        case DecodedPages.SH -> storeSlow(slowVa, 2, x[rs2(e)]);
        case DecodedPages.SB -> storeSlow(slowVa, 1, x[rs2(e)]);
        case DecodedPages.MULH,
            DecodedPages.MULHSU,
            DecodedPages.MULHU,
            DecodedPages.DIV,
            DecodedPages.DIVU,
            DecodedPages.REM,
            DecodedPages.REMU ->
            x[rd(e)] = mulDiv(op, x[rs1(e)], x[rs2(e)]);
        case DecodedPages.DIVW, DecodedPages.DIVUW, DecodedPages.REMW, DecodedPages.REMUW ->
            x[rd(e)] = mulDiv32(op, (int) x[rs1(e)], (int) x[rs2(e)]);
        case DecodedPages.ILLEGAL_C -> throw illegal((int) (e >>> 8) & 0xffff);
        case DecodedPages.GENERIC -> next = execute((int) (e >>> 32), pc, next);
        default -> {
          return slowStep(pc); // CROSSING: fetched the long way
        }
      }
    } catch (Trap t) {
      if (t.cause == Cause.ILLEGAL_INSN
          && len == 2
          && (op == DecodedPages.GENERIC || op == DecodedPages.ILLEGAL_C)) {
        t.tval = (e >>> 8) & 0xffff; // a compressed instruction reports its own 16 bits
      }
      this.pc = pc; // the trapping instruction's own address becomes epc
      enterTrap(t.cause, t.tval, false);
      return TRAPPED;
    }
    instret++;
    this.pc = next;
    return next == pc + len ? RETIRED : JUMPED;
  }

  /**
   * Fetches and executes the instruction at {@code pc} the long way (no decoded entry: no fetch-TLB
   * entry yet, a device's memory, an instruction across a page's end), taking its trap if it has
   * one. Returns what it did.
   */
  private int slowStep(long pc) {
    int bits = 0;
    int len = 4;
    try {
      bits = fetch(pc);
      int insn = bits;
      if ((bits & 3) != 3) {
        len = 2;
        bits &= 0xffff;
        insn = Compressed.expand(bits);
        if (insn == 0) {
          throw illegal(bits);
        }
      }
      long next = execute(insn, pc, pc + len);
      instret++;
      this.pc = next;
      return next == pc + len ? RETIRED : JUMPED;
    } catch (Trap t) {
      if (t.cause == Cause.ILLEGAL_INSN && len == 2) {
        t.tval = bits; // a compressed instruction reports its own 16 bits
      }
      this.pc = pc; // the trapping instruction's own address becomes epc
      enterTrap(t.cause, t.tval, false);
      return TRAPPED;
    }
  }

  /** For tests: one instruction at pc through the general decoder alone, never a decoded entry. */
  void stepGeneral() {
    slowStep(pc);
  }

  private static long mulDiv(int op, long a, long b) {
    return switch (op) {
      case DecodedPages.MULH -> Math.multiplyHigh(a, b);
      case DecodedPages.MULHSU -> Math.multiplyHigh(a, b) + (b < 0 ? a : 0);
      case DecodedPages.MULHU -> Math.multiplyHigh(a, b) + (a < 0 ? b : 0) + (b < 0 ? a : 0);
      case DecodedPages.DIV -> b == 0 ? -1 : (a == Long.MIN_VALUE && b == -1) ? a : a / b;
      case DecodedPages.DIVU -> b == 0 ? -1 : Long.divideUnsigned(a, b);
      case DecodedPages.REM -> b == 0 ? a : (a == Long.MIN_VALUE && b == -1) ? 0 : a % b;
      default -> b == 0 ? a : Long.remainderUnsigned(a, b);
    };
  }

  private static long mulDiv32(int op, int a, int b) {
    return switch (op) {
      case DecodedPages.DIVW -> b == 0 ? -1 : (a == Integer.MIN_VALUE && b == -1) ? a : a / b;
      case DecodedPages.DIVUW -> b == 0 ? -1 : Integer.divideUnsigned(a, b);
      case DecodedPages.REMW -> b == 0 ? a : (a == Integer.MIN_VALUE && b == -1) ? 0 : a % b;
      default -> b == 0 ? a : Integer.remainderUnsigned(a, b);
    };
  }

  /**
   * Executes one instruction for translated code (those it does not inline: AMOs, F and D); returns
   * the next pc. {@code bits} are the instruction as fetched, for a compressed one's tval.
   */
  long executeOne(int insn, int bits, long pc, int len) {
    try {
      return execute(insn, pc, pc + len);
    } catch (Trap t) {
      if (t.cause == Cause.ILLEGAL_INSN && len == 2) {
        t.tval = bits & 0xffff;
      }
      throw t;
    }
  }

  // ---- traps and interrupts --------------------------------------------------------------

  Trap illegal(int insn) {
    return trap.set(Cause.ILLEGAL_INSN, insn & 0xffffffffL);
  }

  private Trap fault(int cause, long tval) {
    return trap.set(cause, tval);
  }

  private static final int[] INTERRUPT_PRIORITY = {
    Cause.IRQ_M_EXT, Cause.IRQ_M_SOFT, Cause.IRQ_M_TIMER,
    Cause.IRQ_S_EXT, Cause.IRQ_S_SOFT, Cause.IRQ_S_TIMER
  };

  private void takePendingInterrupt() {
    long pending = csr.mip() & csr.mie;
    if (pending == 0) {
      return;
    }
    boolean mEnabled = priv < Priv.M || (csr.mstatus & MIE_BIT) != 0;
    boolean sEnabled = priv < Priv.S || (priv == Priv.S && (csr.mstatus & SIE_BIT) != 0);
    long toM = mEnabled ? pending & ~csr.mideleg : 0;
    long toS = sEnabled ? pending & csr.mideleg : 0;
    long take = toM != 0 ? toM : toS;
    if (take == 0) {
      return;
    }
    for (int irq : INTERRUPT_PRIORITY) {
      if ((take & (1L << irq)) != 0) {
        waitingForInterrupt = false;
        enterTrap(irq, 0, true);
        return;
      }
    }
  }

  private void enterTrap(int code, long tval, boolean interrupt) {
    long deleg = interrupt ? csr.mideleg : csr.medeleg;
    long cause = interrupt ? (1L << 63) | code : code;
    long status = csr.mstatus;
    if (priv <= Priv.S && ((deleg >>> code) & 1) != 0) {
      csr.scause = cause;
      csr.sepc = pc;
      csr.stval = tval;
      status = (status & ~(SPIE | SPP)) | ((status & SIE_BIT) != 0 ? SPIE : 0);
      status = (status & ~SIE_BIT) | (priv == Priv.S ? SPP : 0);
      priv = Priv.S;
      pc = vector(csr.stvec, code, interrupt);
    } else {
      csr.mcause = cause;
      csr.mepc = pc;
      csr.mtval = tval;
      status = (status & ~MPIE) | ((status & MIE_BIT) != 0 ? MPIE : 0);
      status = (status & ~(MIE_BIT | MPP)) | ((long) priv << MPP_SHIFT);
      priv = Priv.M;
      pc = vector(csr.mtvec, code, interrupt);
    }
    csr.setMstatus(status);
  }

  private static long vector(long tvec, int code, boolean interrupt) {
    long base = tvec & ~3L;
    return (interrupt && (tvec & 3) == 1) ? base + 4L * code : base;
  }

  private long mret(int insn) {
    if (priv < Priv.M) {
      throw illegal(insn);
    }
    long status = csr.mstatus;
    int target = (int) ((status & MPP) >>> MPP_SHIFT);
    status = (status & ~MIE_BIT) | ((status & MPIE) != 0 ? MIE_BIT : 0);
    status = (status | MPIE) & ~MPP;
    if (target != Priv.M) {
      status &= ~MPRV;
    }
    priv = target;
    csr.setMstatus(status);
    return csr.mepc;
  }

  private long sret(int insn) {
    if (priv < Priv.S || (priv == Priv.S && (csr.mstatus & TSR) != 0)) {
      throw illegal(insn);
    }
    long status = csr.mstatus;
    int target = (status & SPP) != 0 ? Priv.S : Priv.U;
    status = (status & ~SIE_BIT) | ((status & SPIE) != 0 ? SIE_BIT : 0);
    status = (status | SPIE) & ~(SPP | MPRV);
    priv = target;
    csr.setMstatus(status);
    return csr.sepc;
  }

  private void wfi(int insn) {
    if (priv == Priv.U || (priv == Priv.S && (csr.mstatus & TW) != 0)) {
      throw illegal(insn);
    }
    if (!hasWakeUp()) {
      waitingForInterrupt = true;
      endSlice = true;
    }
  }

  // ---- memory ----------------------------------------------------------------------------

  /** The one place virtual addresses become physical: Bare mode only until Sv39 arrives. */
  private long translate(long va, int access) {
    leafLevel = 0;
    if (!sv39) {
      return va;
    }
    int p = priv;
    if (access != FETCH && p == Priv.M && (csr.mstatus & MPRV) != 0) {
      p = (int) ((csr.mstatus & MPP) >>> MPP_SHIFT);
    }
    if (p == Priv.M) {
      return va;
    }
    long pa = mmu.translate(va, access, p);
    leafLevel = mmu.leafLevel;
    return pa;
  }

  /** True while instruction fetches and data accesses may be translated (for split checks). */
  private boolean paging() {
    return sv39;
  }

  Trap pageFault(int access, long va) {
    return trap.set(
        access == FETCH
            ? Cause.INSN_PAGE_FAULT
            : access == LOAD ? Cause.LOAD_PAGE_FAULT : Cause.STORE_PAGE_FAULT,
        va);
  }

  Trap accessFault(int access, long va) {
    return trap.set(
        access == FETCH
            ? Cause.INSN_ACCESS
            : access == LOAD ? Cause.LOAD_ACCESS : Cause.STORE_ACCESS,
        va);
  }

  /** satp changed: translation on or off, and nothing cached is valid any more. */
  void satpChanged() {
    sv39 = (csr.satp >>> 60) != 0;
    mmu.flush();
    flushTlb();
  }

  /** SFENCE.VMA: every cached translation goes, in the soft TLB and for translated code. */
  private void sfence() {
    mmu.flush();
    flushTlb();
  }

  /** SFENCE.VMA of the page holding {@code va}. */
  private void sfencePage(long va) {
    mmu.flushPage(va);
    if (inSuperpage(va)) {
      flushTlb();
      return;
    }
    long vpn = va >>> 12;
    int slot = (int) vpn & TLB_MASK;
    for (int r = 0; r < REGIMES; r++) {
      if (tagR[r][slot] == vpn) {
        tagR[r][slot] = -1;
      }
      if (tagW[r][slot] == vpn) {
        tagW[r][slot] = -1;
      }
    }
    for (long[] t : tagX) {
      if (t[slot] == vpn) {
        t[slot] = -1;
      }
    }
    if (jit != null) {
      jit.mappingChanged(vpn);
    }
  }

  private void flushTlb() {
    clearFilled(0, tables.length);
    fills = 0;
    superpageCount = 0;
    if (jit != null) {
      jit.mappingsChanged();
    }
  }

  /** Empties the entries filled since the last full flush in tables [from, to). */
  private void clearFilled(int from, int to) {
    if (fills > fillLog.length) {
      for (int t = from; t < to; t++) {
        java.util.Arrays.fill(tables[t], -1);
      }
      return;
    }
    for (int k = 0; k < fills; k++) {
      int t = fillLog[k] >>> TLB_BITS;
      if (t >= from && t < to) {
        tables[t][fillLog[k] & TLB_MASK] = -1;
      }
    }
  }

  /** Entry {@code slot} of {@code table} was just filled for {@code va} by a translation. */
  private void logFill(int table, int slot, long va) {
    if (fills < fillLog.length) {
      fillLog[fills] = table << TLB_BITS | slot;
    }
    fills++;
    if (leafLevel > 0) {
      noteSuperpage(va >>> 12 >>> (9 * leafLevel) << 2 | leafLevel);
    }
  }

  /**
   * The superpages (first page number above their level, and level) that soft-TLB entries were made
   * from since the last full flush. Entries are 4 KiB pieces, so an SFENCE.VMA of one address in a
   * superpage must drop every piece: it empties the whole TLB then. Past the log's size every
   * single-page fence does.
   */
  private final long[] superpages = new long[32];

  private int superpageCount;

  private void noteSuperpage(long key) {
    for (int k = 0; k < Math.min(superpageCount, superpages.length); k++) {
      if (superpages[k] == key) {
        return;
      }
    }
    if (superpageCount < superpages.length) {
      superpages[superpageCount] = key;
    }
    superpageCount++;
  }

  /** True if a soft-TLB entry may have been made from a superpage that maps {@code va}. */
  private boolean inSuperpage(long va) {
    if (superpageCount > superpages.length) {
      return true;
    }
    for (int k = 0; k < superpageCount; k++) {
      int level = (int) (superpages[k] & 3);
      if (va >>> 12 >>> (9 * level) == superpages[k] >>> 2) {
        return true;
      }
    }
    return false;
  }

  /** No write entry may point at a page that now holds translated code. */
  void flushWriteTlb() {
    clearFilled(REGIMES, 2 * REGIMES);
  }

  /**
   * mstatus or the privilege changed ({@code changed}: the mstatus bits that did): pick the data
   * regime (MPRV/MPP, SUM, privilege); MXR changes what loads may read, so the read entries go.
   */
  void statusChanged(long changed) {
    if ((changed & MXR) != 0) {
      for (int r = 0; r < REGIMES; r++) {
        java.util.Arrays.fill(tagR[r], -1);
      }
    }
    selectRegime();
  }

  private void selectRegime() {
    int p = priv;
    long status = csr.mstatus;
    if (p == Priv.M && (status & MPRV) != 0) {
      p = (int) ((status & MPP) >>> MPP_SHIFT);
    }
    regime = p * 2 + ((status & SUM) != 0 ? 1 : 0);
    curTagR = tagR[regime];
    curAddR = addR[regime];
    curTagW = tagW[regime];
    curAddW = addW[regime];
    curTagX = tagX[priv];
    curAddX = addX[priv];
  }

  /**
   * The RAM offset an instruction fetch at {@code va} reads, through the fetch TLB (whose entry is
   * made if it is missing); -1 if the fetch would fault or does not read RAM (the interpreter takes
   * it then).
   */
  long fetchOffset(long va) {
    int slot = (int) (va >>> 12) & TLB_MASK;
    if (curTagX[slot] == va >>> 12) {
      return va + curAddX[slot];
    }
    long off;
    try {
      off = translate(va, FETCH) - ramBase;
    } catch (Trap t) {
      return -1;
    }
    fillFetch(va, off);
    return off >= 0 && off < ramSize ? off : -1;
  }

  /** A fetch at {@code va} reads RAM offset {@code off}: its page gets a fetch-TLB entry. */
  private void fillFetch(long va, long off) {
    if (off >= 0 && (off | 0xfff) < ramSize) {
      int slot = (int) (va >>> 12) & TLB_MASK;
      curTagX[slot] = va >>> 12;
      curAddX[slot] = (off & ~0xfffL) - (va & ~0xfffL);
      logFill(2 * REGIMES + priv, slot, va);
    }
  }

  /**
   * Translated code's load after a soft-TLB miss: the interpreter's load, and a TLB entry for the
   * page if it is RAM.
   */
  long loadSlow(long va, int size) {
    slowAccesses++;
    boolean crosses = (va & 0xfff) > 0x1000 - size;
    if (crosses && paging()) {
      return loadAcrossPages(va, size);
    }
    long pa = translate(va, LOAD);
    long off = pa - ramBase;
    if (off >= 0 && off <= ramSize - size) {
      if (!crosses && (off | 0xfff) < ramSize) {
        int slot = (int) (va >>> 12) & TLB_MASK;
        curTagR[slot] = va >>> 12;
        curAddR[slot] = (off & ~0xfffL) - (va & ~0xfffL);
        logFill(regime, slot, va);
      }
      return Ram.read(ram, (int) off, size);
    }
    long w = crosses ? -1 : ramDevice.windowOffset(pa & ~0xfffL);
    if (w >= 0) {
      // a device's memory kept after RAM (the framebuffer): read like RAM
      int slot = (int) (va >>> 12) & TLB_MASK;
      curTagR[slot] = va >>> 12;
      curAddR[slot] = w - (va & ~0xfffL);
      logFill(regime, slot, va);
      return Ram.read(ram, (int) (w + (pa & 0xfff)), size);
    }
    return loadDevice(pa, va, size);
  }

  /** Translated code's store after a soft-TLB miss; a TLB entry unless the page holds code. */
  void storeSlow(long va, int size, long value) {
    slowAccesses++;
    boolean crosses = (va & 0xfff) > 0x1000 - size;
    if (crosses && paging()) {
      storeAcrossPages(va, size, value);
      return;
    }
    long pa = translate(va, STORE);
    long off = pa - ramBase;
    if (off >= 0 && off <= ramSize - size) {
      Ram.write(ram, (int) off, size, value);
      if (ramDevice.isCode((int) off) || ramDevice.isCode((int) off + size - 1)) {
        ramDevice.written((int) off, size); // self-modifying code: the translation goes
      } else if (!crosses && (off | 0xfff) < ramSize) {
        int slot = (int) (va >>> 12) & TLB_MASK;
        curTagW[slot] = va >>> 12;
        curAddW[slot] = (off & ~0xfffL) - (va & ~0xfffL);
        logFill(REGIMES + regime, slot, va);
      }
      return;
    }
    if (!crosses) {
      long w = ramDevice.windowPage(pa & ~0xfffL);
      if (w >= 0) {
        // a device's memory kept after RAM (the framebuffer): mapped for this slice like RAM
        Ram.write(ram, (int) (w + (pa & 0xfff)), size, value);
        int slot = (int) (va >>> 12) & TLB_MASK;
        curTagW[slot] = va >>> 12;
        curAddW[slot] = w - (va & ~0xfffL);
        logFill(REGIMES + regime, slot, va);
        noteWindowFill(REGIMES + regime, slot, va >>> 12);
        return;
      }
    }
    storeDevice(pa, va, size, value);
  }

  /**
   * Write entries made for pages of RAM's window in this slice (table << TLB_BITS | slot, and the
   * tag): they go at the slice's end, so the device hears of the pages written in the next one.
   */
  private final int[] windowSlots = new int[64];

  private final long[] windowTags = new long[64];
  private int windowFills;

  private void noteWindowFill(int table, int slot, long tag) {
    if (windowFills < windowSlots.length) {
      windowSlots[windowFills] = table << TLB_BITS | slot;
      windowTags[windowFills] = tag;
    }
    windowFills++;
  }

  /** The slice ends: no soft-TLB entry may map a page of RAM's window any more. */
  private void releaseWindow() {
    if (windowFills > windowSlots.length) {
      flushWriteTlb();
    } else {
      for (int k = 0; k < windowFills; k++) {
        long[] t = tables[windowSlots[k] >>> TLB_BITS];
        int slot = windowSlots[k] & TLB_MASK;
        if (t[slot] == windowTags[k]) {
          t[slot] = -1;
        }
      }
    }
    windowFills = 0;
  }

  /** A page that translated code was made from was written: that code is gone. */
  void codeDiscarded() {
    leaveUnit = true;
  }

  private int fetch(long va) {
    int slot = (int) (va >>> 12) & TLB_MASK;
    if (curTagX[slot] == va >>> 12 && (va & 0xfff) != 0xffe) {
      return Ram.read32(ram, (int) (va + curAddX[slot]));
    }
    long pa = translate(va, FETCH);
    long off = pa - ramBase;
    fillFetch(va, off);
    if (off >= 0 && off <= ramSize - 4 && ((va & 0xfff) != 0xffe || !paging())) {
      return Ram.read32(ram, (int) off);
    }
    int lo = fetchHalf(pa, va);
    if ((lo & 3) != 3) {
      return lo;
    }
    return lo | fetchHalf(translate(va + 2, FETCH), va + 2) << 16;
  }

  private int fetchHalf(long pa, long va) {
    try {
      return (int) bus.read(pa, 2) & 0xffff;
    } catch (BusFault f) {
      throw fault(Cause.INSN_ACCESS, va);
    }
  }

  /** A load by the interpreter: the soft TLB first, as translated code does. */
  long load(long va, int size) {
    int slot = (int) (va >>> 12) & TLB_MASK;
    if (curTagR[slot] == (va + size - 1) >>> 12) {
      return Ram.read(ram, (int) (va + curAddR[slot]), size);
    }
    return loadSlow(va, size);
  }

  private long loadDevice(long pa, long va, int size) {
    try {
      return bus.read(pa, size);
    } catch (BusFault f) {
      throw fault(f == BusFault.MISALIGNED ? Cause.LOAD_MISALIGNED : Cause.LOAD_ACCESS, va);
    }
  }

  /**
   * A store by the interpreter: the soft TLB first (it has no write entry for a page holding
   * translated code, so such a store reaches the slow path, which discards the code).
   */
  void store(long va, int size, long value) {
    int slot = (int) (va >>> 12) & TLB_MASK;
    if (curTagW[slot] == (va + size - 1) >>> 12) {
      Ram.write(ram, (int) (va + curAddW[slot]), size, value);
      return;
    }
    storeSlow(va, size, value);
  }

  private void storeDevice(long pa, long va, int size, long value) {
    try {
      bus.write(pa, size, value);
    } catch (BusFault f) {
      throw fault(f == BusFault.MISALIGNED ? Cause.STORE_MISALIGNED : Cause.STORE_ACCESS, va);
    }
  }

  /**
   * A misaligned access that spans two pages: both are translated first (so a fault leaves memory
   * untouched), then the bytes go one by one, as QEMU splits such accesses.
   */
  private long loadAcrossPages(long va, int size) {
    translate(va, LOAD);
    translate(va + size - 1, LOAD);
    long v = 0;
    for (int k = 0; k < size; k++) {
      v |= (load(va + k, 1) & 0xff) << (8 * k);
    }
    return size == 8 ? v : (v << (64 - 8 * size)) >> (64 - 8 * size);
  }

  private void storeAcrossPages(long va, int size, long value) {
    translate(va, STORE);
    translate(va + size - 1, STORE);
    for (int k = 0; k < size; k++) {
      store(va + k, 1, value >>> (8 * k));
    }
  }

  // ---- decode and execute ----------------------------------------------------------------

  void setReg(int rd, long v) {
    if (rd != 0) {
      x[rd] = v;
    }
  }

  static int rd(int i) {
    return (i >>> 7) & 31;
  }

  static int rs1(int i) {
    return (i >>> 15) & 31;
  }

  static int rs2(int i) {
    return (i >>> 20) & 31;
  }

  static int funct3(int i) {
    return (i >>> 12) & 7;
  }

  private static int funct7(int i) {
    return i >>> 25;
  }

  static long immI(int i) {
    return i >> 20;
  }

  static long immS(int i) {
    return ((i >> 25) << 5) | ((i >>> 7) & 31);
  }

  static long immB(int i) {
    return ((i >> 31) << 12)
        | (((i >>> 7) & 1) << 11)
        | (((i >>> 25) & 0x3f) << 5)
        | (((i >>> 8) & 0xf) << 1);
  }

  static long immJ(int i) {
    return ((i >> 31) << 20)
        | (i & 0xff000)
        | (((i >>> 20) & 1) << 11)
        | (((i >>> 21) & 0x3ff) << 1);
  }

  /**
   * Executes one 32-bit instruction at {@code pc}; {@code next} is the fall-through address. The
   * switch is on opcode bits [6:2] (bits [1:0] are always 11 here), so it compiles to a jump table;
   * each case is one call, which keeps this method small enough to inline.
   */
  private long execute(int i, long pc, long next) {
    return switch ((i >>> 2) & 31) {
      case 0x00 -> { // LOAD
        opLoad(i);
        yield next;
      }
      case 0x01 -> { // LOAD-FP
        fp.load(i);
        yield next;
      }
      case 0x03 -> { // MISC-MEM: FENCE, FENCE.I; one hart, no caches to order or flush
        if (funct3(i) > 1) {
          throw illegal(i);
        }
        yield next;
      }
      case 0x04 -> { // OP-IMM
        opImm(i);
        yield next;
      }
      case 0x05 -> { // AUIPC
        setReg(rd(i), pc + (i & 0xfffff000));
        yield next;
      }
      case 0x06 -> { // OP-IMM-32
        opImm32(i);
        yield next;
      }
      case 0x08 -> { // STORE
        opStore(i);
        yield next;
      }
      case 0x09 -> { // STORE-FP
        fp.store(i);
        yield next;
      }
      case 0x0b -> { // AMO
        opAmo(i);
        yield next;
      }
      case 0x0c -> { // OP
        opReg(i);
        yield next;
      }
      case 0x0d -> { // LUI
        setReg(rd(i), i & 0xfffff000);
        yield next;
      }
      case 0x0e -> { // OP-32
        opReg32(i);
        yield next;
      }
      case 0x10, 0x11, 0x12, 0x13 -> { // FMADD, FMSUB, FNMSUB, FNMADD
        fp.fusedMultiplyAdd(i);
        yield next;
      }
      case 0x14 -> { // OP-FP
        fp.op(i);
        yield next;
      }
      case 0x18 -> branchTaken(i) ? pc + immB(i) : next; // BRANCH
      case 0x19 -> jalr(i, next); // JALR
      case 0x1b -> { // JAL
        setReg(rd(i), next);
        yield pc + immJ(i);
      }
      case 0x1c -> opSystem(i, pc, next); // SYSTEM
      default -> throw illegal(i);
    };
  }

  private long jalr(int i, long next) {
    if (funct3(i) != 0) {
      throw illegal(i);
    }
    long target = (x[rs1(i)] + immI(i)) & ~1L;
    setReg(rd(i), next);
    return target;
  }

  private void opLoad(int i) {
    long addr = x[rs1(i)] + immI(i);
    long v =
        switch (funct3(i)) {
          case 0 -> load(addr, 1);
          case 1 -> load(addr, 2);
          case 2 -> load(addr, 4);
          case 3 -> load(addr, 8);
          case 4 -> load(addr, 1) & 0xff;
          case 5 -> load(addr, 2) & 0xffff;
          case 6 -> load(addr, 4) & 0xffffffffL;
          default -> throw illegal(i);
        };
    setReg(rd(i), v);
  }

  private void opStore(int i) {
    long addr = x[rs1(i)] + immS(i);
    long v = x[rs2(i)];
    switch (funct3(i)) {
      case 0 -> store(addr, 1, v);
      case 1 -> store(addr, 2, v);
      case 2 -> store(addr, 4, v);
      case 3 -> store(addr, 8, v);
      default -> throw illegal(i);
    }
  }

  private void opImm(int i) {
    long a = x[rs1(i)];
    long imm = immI(i);
    int shamt = (int) imm & 0x3f;
    long v =
        switch (funct3(i)) {
          case 0 -> a + imm;
          case 1 -> {
            if ((imm >>> 6 & 0x3f) != 0) {
              throw illegal(i);
            }
            yield a << shamt;
          }
          case 2 -> a < imm ? 1 : 0;
          case 3 -> Long.compareUnsigned(a, imm) < 0 ? 1 : 0;
          case 4 -> a ^ imm;
          case 5 -> {
            long top = (imm >>> 6) & 0x3f;
            if (top == 0) {
              yield a >>> shamt;
            }
            if (top == 0x10) {
              yield a >> shamt;
            }
            throw illegal(i);
          }
          case 6 -> a | imm;
          default -> a & imm;
        };
    setReg(rd(i), v);
  }

  private void opImm32(int i) {
    int a = (int) x[rs1(i)];
    int imm = i >> 20;
    int shamt = imm & 0x1f;
    int top = (imm >>> 5) & 0x7f;
    int v =
        switch (funct3(i)) {
          case 0 -> a + imm;
          case 1 -> {
            if (top != 0) {
              throw illegal(i);
            }
            yield a << shamt;
          }
          case 5 -> {
            if (top == 0) {
              yield a >>> shamt;
            }
            if (top == 0x20) {
              yield a >> shamt;
            }
            throw illegal(i);
          }
          default -> throw illegal(i);
        };
    setReg(rd(i), v);
  }

  private void opReg(int i) {
    if (funct7(i) == 1) {
      opMulDiv(i);
      return;
    }
    long a = x[rs1(i)];
    long b = x[rs2(i)];
    int f7 = funct7(i);
    int f3 = funct3(i);
    long v;
    if (f7 == 0) {
      v =
          switch (f3) {
            case 0 -> a + b;
            case 1 -> a << b;
            case 2 -> a < b ? 1 : 0;
            case 3 -> Long.compareUnsigned(a, b) < 0 ? 1 : 0;
            case 4 -> a ^ b;
            case 5 -> a >>> b;
            case 6 -> a | b;
            default -> a & b;
          };
    } else if (f7 == 0x20 && f3 == 0) {
      v = a - b;
    } else if (f7 == 0x20 && f3 == 5) {
      v = a >> b;
    } else {
      throw illegal(i);
    }
    setReg(rd(i), v);
  }

  private void opReg32(int i) {
    if (funct7(i) == 1) {
      opMulDiv32(i);
      return;
    }
    int a = (int) x[rs1(i)];
    int b = (int) x[rs2(i)];
    int f7 = funct7(i);
    int f3 = funct3(i);
    int v;
    if (f7 == 0 && f3 == 0) {
      v = a + b;
    } else if (f7 == 0 && f3 == 1) {
      v = a << b;
    } else if (f7 == 0 && f3 == 5) {
      v = a >>> b;
    } else if (f7 == 0x20 && f3 == 0) {
      v = a - b;
    } else if (f7 == 0x20 && f3 == 5) {
      v = a >> b;
    } else {
      throw illegal(i);
    }
    setReg(rd(i), v);
  }

  private void opMulDiv(int i) {
    long a = x[rs1(i)];
    long b = x[rs2(i)];
    long v =
        switch (funct3(i)) {
          case 0 -> a * b;
          case 1 -> Math.multiplyHigh(a, b);
          case 2 -> Math.multiplyHigh(a, b) + (b < 0 ? a : 0); // MULHSU: b is unsigned
          case 3 -> Math.multiplyHigh(a, b) + (a < 0 ? b : 0) + (b < 0 ? a : 0); // MULHU
          case 4 -> b == 0 ? -1 : (a == Long.MIN_VALUE && b == -1) ? a : a / b;
          case 5 -> b == 0 ? -1 : Long.divideUnsigned(a, b);
          case 6 -> b == 0 ? a : (a == Long.MIN_VALUE && b == -1) ? 0 : a % b;
          default -> b == 0 ? a : Long.remainderUnsigned(a, b);
        };
    setReg(rd(i), v);
  }

  private void opMulDiv32(int i) {
    int a = (int) x[rs1(i)];
    int b = (int) x[rs2(i)];
    int v =
        switch (funct3(i)) {
          case 0 -> a * b;
          case 4 -> b == 0 ? -1 : (a == Integer.MIN_VALUE && b == -1) ? a : a / b;
          case 5 -> b == 0 ? -1 : Integer.divideUnsigned(a, b);
          case 6 -> b == 0 ? a : (a == Integer.MIN_VALUE && b == -1) ? 0 : a % b;
          case 7 -> b == 0 ? a : Integer.remainderUnsigned(a, b);
          default -> throw illegal(i);
        };
    setReg(rd(i), v);
  }

  private boolean branchTaken(int i) {
    long a = x[rs1(i)];
    long b = x[rs2(i)];
    return switch (funct3(i)) {
      case 0 -> a == b;
      case 1 -> a != b;
      case 4 -> a < b;
      case 5 -> a >= b;
      case 6 -> Long.compareUnsigned(a, b) < 0;
      case 7 -> Long.compareUnsigned(a, b) >= 0;
      default -> throw illegal(i);
    };
  }

  private void opAmo(int i) {
    int f3 = funct3(i);
    if (f3 != 2 && f3 != 3) {
      throw illegal(i);
    }
    int size = f3 == 2 ? 4 : 8;
    long addr = x[rs1(i)];
    long src = x[rs2(i)];
    int op = i >>> 27;
    if (op == 0b00010) { // LR
      if (rs2(i) != 0) {
        throw illegal(i);
      }
      if ((addr & (size - 1)) != 0) {
        throw fault(Cause.LOAD_MISALIGNED, addr);
      }
      long v = load(addr, size);
      reservation = addr;
      setReg(rd(i), v);
      return;
    }
    if ((addr & (size - 1)) != 0) {
      throw fault(Cause.STORE_MISALIGNED, addr);
    }
    if (op == 0b00011) { // SC
      boolean ok = reservation == addr;
      reservation = -1;
      if (ok) {
        store(addr, size, src);
      }
      setReg(rd(i), ok ? 0 : 1);
      return;
    }
    long old = loadForAmo(addr, size);
    long s = size == 4 ? (int) src : src;
    long v =
        switch (op) {
          case 0b00000 -> old + s;
          case 0b00001 -> s;
          case 0b00100 -> old ^ s;
          case 0b01100 -> old & s;
          case 0b01000 -> old | s;
          case 0b10000 -> Math.min(old, s);
          case 0b10100 -> Math.max(old, s);
          case 0b11000 -> minU(old, s, size);
          case 0b11100 -> maxU(old, s, size);
          default -> throw illegal(i);
        };
    store(addr, size, v);
    setReg(rd(i), old);
  }

  /** The read half of an AMO faults as a store, as the spec requires for AMOs. */
  private long loadForAmo(long addr, int size) {
    try {
      return load(addr, size);
    } catch (Trap t) {
      if (t.cause == Cause.LOAD_ACCESS) {
        t.cause = Cause.STORE_ACCESS;
      } else if (t.cause == Cause.LOAD_MISALIGNED) {
        t.cause = Cause.STORE_MISALIGNED;
      }
      throw t;
    }
  }

  private static long unsignedOf(long v, int size) {
    return size == 4 ? v & 0xffffffffL : v;
  }

  private static long minU(long a, long b, int size) {
    return Long.compareUnsigned(unsignedOf(a, size), unsignedOf(b, size)) <= 0 ? a : b;
  }

  private static long maxU(long a, long b, int size) {
    return Long.compareUnsigned(unsignedOf(a, size), unsignedOf(b, size)) >= 0 ? a : b;
  }

  private long opSystem(int i, long pc, long next) {
    int f3 = funct3(i);
    if (f3 == 0) {
      return switch (i) {
        case 0x00000073 -> throw fault(Cause.ECALL_U + priv, 0);
        case 0x00100073 -> throw fault(Cause.BREAKPOINT, 0); // tval 0, as QEMU 7.2 reports it
        case 0x30200073 -> mret(i);
        case 0x10200073 -> sret(i);
        case 0x10500073 -> {
          wfi(i);
          yield next;
        }
        default -> {
          if (funct7(i) != 0x09 || rd(i) != 0) {
            throw illegal(i);
          }
          if (priv == Priv.U || (priv == Priv.S && (csr.mstatus & TVM) != 0)) {
            throw illegal(i);
          }
          // SFENCE.VMA: one page if rs1 names it (any ASID), else everything
          if (rs1(i) != 0) {
            sfencePage(x[rs1(i)]);
          } else {
            sfence();
          }
          yield next;
        }
      };
    }
    if (f3 == 4) {
      throw illegal(i);
    }
    int csrAddr = i >>> 20;
    int rs1 = rs1(i);
    long operand = f3 >= 5 ? rs1 : x[rs1];
    int kind = f3 & 3; // 1 = write, 2 = set, 3 = clear
    boolean writes = kind == 1 || rs1 != 0;
    long old = csr.read(csrAddr, i);
    if (writes) {
      long base = csr.updateBase(csrAddr, old);
      long v =
          switch (kind) {
            case 1 -> operand;
            case 2 -> base | operand;
            default -> base & ~operand;
          };
      csr.write(csrAddr, v, i);
    }
    setReg(rd(i), old);
    return next;
  }
}
