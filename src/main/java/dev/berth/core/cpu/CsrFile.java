package dev.berth.core.cpu;

import static dev.berth.core.cpu.Csr.*;

/**
 * The hart's control and status registers: storage, WARL legalisation and the access rules of the
 * privileged spec 1.12. Illegal accesses raise illegal-instruction through the hart.
 */
final class CsrFile {
  private final Hart hart;
  private final TimeSource time;

  long mstatus = UXL_SXL_64;
  long medeleg, mideleg, mie, mtvec, mcounteren, menvcfg, mcountinhibit;
  long mscratch, mepc, mcause, mtval;
  long stvec, scounteren, senvcfg, sscratch, sepc, scause, stval, satp;

  /** Software-writable mip bits (SSIP, STIP, SEIP). */
  long mipSoftware;

  /** Interrupt lines driven by devices (MSIP, MTIP, MEIP from the CLINT and PLIC; SEIP too). */
  long mipLines;

  /** The floating-point CSR's two fields: accrued exception flags and dynamic rounding mode. */
  int fflags, frm;

  long cycleOffset;
  final long[] pmpcfg = new long[2];
  final long[] pmpaddr = new long[16];

  CsrFile(Hart hart, TimeSource time) {
    this.hart = hart;
    this.time = time;
  }

  void reset() {
    mstatus = UXL_SXL_64;
    medeleg = mideleg = mie = mtvec = mcounteren = menvcfg = mcountinhibit = 0;
    mscratch = mepc = mcause = mtval = 0;
    stvec = scounteren = senvcfg = sscratch = sepc = scause = stval = satp = 0;
    mipSoftware = 0;
    fflags = frm = 0;
    cycleOffset = 0;
    java.util.Arrays.fill(pmpcfg, 0);
    java.util.Arrays.fill(pmpaddr, 0);
  }

  /** Every register, in one fixed order (the device lines too: they are the devices' levels). */
  void save(dev.berth.core.state.StateOut out) {
    out.begin("csr");
    out.longs(
        new long[] {
          mstatus, medeleg, mideleg, mie, mtvec, mcounteren, menvcfg, mcountinhibit, mscratch, mepc,
          mcause, mtval, stvec, scounteren, senvcfg, sscratch, sepc, scause, stval, satp,
          mipSoftware, mipLines, cycleOffset
        });
    out.i32(fflags).i32(frm).longs(pmpcfg).longs(pmpaddr);
  }

  void restore(dev.berth.core.state.StateIn in) throws dev.berth.core.state.StateException {
    in.begin("csr");
    long[] v = new long[23];
    in.longs(v);
    int i = 0;
    mstatus = v[i++];
    medeleg = v[i++];
    mideleg = v[i++];
    mie = v[i++];
    mtvec = v[i++];
    mcounteren = v[i++];
    menvcfg = v[i++];
    mcountinhibit = v[i++];
    mscratch = v[i++];
    mepc = v[i++];
    mcause = v[i++];
    mtval = v[i++];
    stvec = v[i++];
    scounteren = v[i++];
    senvcfg = v[i++];
    sscratch = v[i++];
    sepc = v[i++];
    scause = v[i++];
    stval = v[i++];
    satp = v[i++];
    mipSoftware = v[i++];
    mipLines = v[i++];
    cycleOffset = v[i];
    fflags = in.i32(0, 0x1f);
    frm = in.i32(0, 7);
    in.longs(pmpcfg);
    in.longs(pmpaddr);
  }

  long mip() {
    return mipSoftware | mipLines;
  }

  /**
   * The value CSRRS and CSRRC modify, given what {@code addr} read as. For mip that is the
   * software-writable SEIP bit, not the PLIC's line (privileged spec, 3.1.9): otherwise OpenSBI's
   * {@code csrs mip, STIP} while the line is high would latch SEIP on for good.
   */
  long updateBase(int addr, long read) {
    long seip = 1L << Cause.IRQ_S_EXT;
    return addr == MIP ? (read & ~seip) | (mipSoftware & seip) : read;
  }

  long read(int addr, int insn) {
    int priv = hart.priv;
    if (((addr >>> 8) & 3) > priv) {
      throw hart.illegal(insn);
    }
    return switch (addr) {
      case FFLAGS, FRM, FCSR -> floatingPoint(addr, insn);
      case SSTATUS -> sstatus();
      case SIE -> mie & mideleg;
      case STVEC -> stvec;
      case SCOUNTEREN -> scounteren;
      case SENVCFG -> senvcfg;
      case SSCRATCH -> sscratch;
      case SEPC -> sepc;
      case SCAUSE -> scause;
      case STVAL -> stval;
      case SIP -> mip() & mideleg;
      case SATP -> {
        if (priv == Priv.S && (mstatus & TVM) != 0) {
          throw hart.illegal(insn);
        }
        yield satp;
      }
      case MSTATUS -> withSd(mstatus);
      case MISA -> MISA_VALUE;
      case MEDELEG -> medeleg;
      case MIDELEG -> mideleg;
      case MIE -> mie;
      case MTVEC -> mtvec;
      case MCOUNTEREN -> mcounteren;
      case MENVCFG -> menvcfg;
      case MCOUNTINHIBIT -> mcountinhibit;
      case MSCRATCH -> mscratch;
      case MEPC -> mepc;
      case MCAUSE -> mcause;
      case MTVAL -> mtval;
      case MIP -> mip();
      case MCYCLE -> hart.instret + cycleOffset;
      case MINSTRET -> hart.instret;
      case CYCLE, TIME, INSTRET -> counter(addr, insn);
      case MVENDORID, MARCHID, MIMPID, MHARTID, MCONFIGPTR -> 0;
      default -> readOther(addr, insn);
    };
  }

  /** With mstatus.FS Off the FP CSRs do not exist, as the FP instructions do not. */
  private long floatingPoint(int addr, int insn) {
    if ((mstatus & FS) == 0) {
      throw hart.illegal(insn);
    }
    return switch (addr) {
      case FFLAGS -> fflags;
      case FRM -> frm;
      default -> frm << 5 | fflags;
    };
  }

  private long readOther(int addr, int insn) {
    if (addr >= TSELECT && addr <= TDATA3) {
      return 0; // no triggers: tselect holds only 0, tdata1's type 0 says "no trigger here"
    }
    if (addr == TINFO) {
      return 1; // the only type the selected (absent) trigger supports: 0, none
    }
    if (addr == PMPCFG0 || addr == PMPCFG0 + 2) {
      return pmpcfg[(addr - PMPCFG0) / 2];
    }
    if (addr >= PMPADDR0 && addr < PMPADDR0 + 16) {
      return pmpaddr[addr - PMPADDR0];
    }
    if ((addr >= MHPMCOUNTER3 && addr <= MHPMCOUNTER31)
        || (addr >= MHPMEVENT3 && addr <= MHPMEVENT31)) {
      return 0;
    }
    if (addr >= HPMCOUNTER3 && addr <= HPMCOUNTER31) {
      checkCounterAccess(addr, insn);
      return 0;
    }
    throw hart.illegal(insn);
  }

  private long counter(int addr, int insn) {
    checkCounterAccess(addr, insn);
    return switch (addr) {
      case CYCLE -> hart.instret + cycleOffset;
      case TIME -> time.now();
      default -> hart.instret;
    };
  }

  /** mcounteren gates S and U; scounteren additionally gates U. */
  private void checkCounterAccess(int addr, int insn) {
    int bit = addr - CYCLE;
    int priv = hart.priv;
    if (priv < Priv.M && ((mcounteren >>> bit) & 1) == 0) {
      throw hart.illegal(insn);
    }
    if (priv == Priv.U && ((scounteren >>> bit) & 1) == 0) {
      throw hart.illegal(insn);
    }
  }

  void write(int addr, long v, int insn) {
    int priv = hart.priv;
    if (((addr >>> 8) & 3) > priv || (addr >>> 10) == 3) {
      throw hart.illegal(insn);
    }
    switch (addr) {
      // Every write is preceded by a read, which checked mstatus.FS.
      case FFLAGS -> setFcsr(frm, v);
      case FRM -> setFcsr(v, fflags);
      case FCSR -> setFcsr(v >>> 5, v);
      case SSTATUS -> setMstatus((mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE));
      case SIE -> setMie((mie & ~mideleg) | (v & mideleg));
      case STVEC -> stvec = legalTvec(v, stvec);
      case SCOUNTEREN -> scounteren = v & 0xffffffffL;
      case SENVCFG -> senvcfg = 0;
      case SSCRATCH -> sscratch = v;
      case SEPC -> sepc = v & ~1L;
      case SCAUSE -> scause = v;
      case STVAL -> stval = v;
      case SIP -> setMipSoftware((mipSoftware & ~(mideleg & 2)) | (v & mideleg & 2));
      case SATP -> {
        if (priv == Priv.S && (mstatus & TVM) != 0) {
          throw hart.illegal(insn);
        }
        // Bare and Sv39 exist; a write of any other mode is ignored, as the spec allows.
        long mode = v >>> 60;
        if (mode == 0 || mode == 8) {
          satp = v & (0xfL << 60 | 0xffffL << 44 | (1L << 44) - 1);
          hart.satpChanged();
        }
      }
      case MSTATUS -> setMstatus((mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE));
      case MISA -> {}
      case MEDELEG -> medeleg = v & DELEGABLE_EXCEPTIONS;
      case MIDELEG -> {
        mideleg = v & S_INTERRUPTS;
        hart.interruptsChanged();
      }
      case MIE -> setMie(v & ALL_INTERRUPTS);
      case MTVEC -> mtvec = legalTvec(v, mtvec);
      case MCOUNTEREN -> mcounteren = v & 0xffffffffL;
      case MENVCFG -> menvcfg = 0;
      case MCOUNTINHIBIT -> mcountinhibit = v & 0xfffffffdL;
      case MSCRATCH -> mscratch = v;
      case MEPC -> mepc = v & ~1L;
      case MCAUSE -> mcause = v;
      case MTVAL -> mtval = v;
      case MIP -> setMipSoftware(v & S_INTERRUPTS);
      // The written value is what the next instruction reads: undo this one's increment.
      case MCYCLE -> cycleOffset = v - hart.instret - 1;
      case MINSTRET -> {
        cycleOffset += hart.instret - (v - 1);
        hart.instret = v - 1;
      }
      default -> writeOther(addr, v, insn);
    }
  }

  private void writeOther(int addr, long v, int insn) {
    if (addr >= TSELECT && addr <= TINFO) {
      return; // tselect has no other value to take; tdata of "no trigger" and tinfo are read-only
    }
    if (addr == PMPCFG0 || addr == PMPCFG0 + 2) {
      pmpcfg[(addr - PMPCFG0) / 2] = v;
      return;
    }
    if (addr >= PMPADDR0 && addr < PMPADDR0 + 16) {
      pmpaddr[addr - PMPADDR0] = v; // held as written, as QEMU 7.2 holds it
      return;
    }
    if ((addr >= MHPMCOUNTER3 && addr <= MHPMCOUNTER31)
        || (addr >= MHPMEVENT3 && addr <= MHPMEVENT31)) {
      return;
    }
    throw hart.illegal(insn);
  }

  private static long legalTvec(long v, long old) {
    // Modes 2 and 3 are reserved: such a write is ignored.
    return (v & 3) >= 2 ? old : v;
  }

  private void setFcsr(long rm, long flags) {
    frm = (int) rm & 7;
    fflags = (int) flags & 0x1f;
    mstatus |= FS; // Dirty
  }

  private long sstatus() {
    return withSd(mstatus) & SSTATUS_VISIBLE;
  }

  private static long withSd(long status) {
    return (status & FS) == FS ? status | SD : status;
  }

  void setMstatus(long v) {
    if (((v & MPP) >>> MPP_SHIFT) == 2) {
      v = (v & ~MPP) | (mstatus & MPP);
    }
    long changed = mstatus ^ v;
    mstatus = v;
    hart.interruptsChanged();
    hart.statusChanged(changed);
  }

  private void setMie(long v) {
    mie = v;
    hart.interruptsChanged();
  }

  private void setMipSoftware(long v) {
    mipSoftware = v;
    hart.interruptsChanged();
  }

  void setLine(int irq, boolean level) {
    long bit = 1L << irq;
    long next = level ? mipLines | bit : mipLines & ~bit;
    if (next != mipLines) {
      mipLines = next;
      hart.interruptsChanged();
    }
  }
}
