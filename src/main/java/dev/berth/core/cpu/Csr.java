package dev.berth.core.cpu;

/** CSR addresses and the mstatus bit layout used by the hart. */
final class Csr {
  private Csr() {}

  static final int FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;
  static final int SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106;
  static final int SENVCFG = 0x10a, SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142;
  static final int STVAL = 0x143, SIP = 0x144, SATP = 0x180;
  static final int MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303;
  static final int MIE = 0x304, MTVEC = 0x305, MCOUNTEREN = 0x306, MENVCFG = 0x30a;
  static final int MCOUNTINHIBIT = 0x320, MSCRATCH = 0x340, MEPC = 0x341, MCAUSE = 0x342;
  static final int MTVAL = 0x343, MIP = 0x344;
  static final int PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0;
  static final int MCYCLE = 0xb00, MINSTRET = 0xb02, MHPMCOUNTER3 = 0xb03, MHPMCOUNTER31 = 0xb1f;
  static final int MHPMEVENT3 = 0x323, MHPMEVENT31 = 0x33f;
  static final int CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02;
  static final int HPMCOUNTER3 = 0xc03, HPMCOUNTER31 = 0xc1f;
  static final int MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14;
  static final int MCONFIGPTR = 0xf15;

  /** Debug-spec trigger CSRs; this hart has no triggers (see {@link CsrFile}). */
  static final int TSELECT = 0x7a0, TDATA1 = 0x7a1, TDATA2 = 0x7a2, TDATA3 = 0x7a3, TINFO = 0x7a4;

  static final long SIE_BIT = 1L << 1, MIE_BIT = 1L << 3, SPIE = 1L << 5, MPIE = 1L << 7;
  static final long SPP = 1L << 8, MPP_SHIFT = 11, MPP = 3L << MPP_SHIFT;
  static final long FS = 3L << 13, MPRV = 1L << 17, SUM = 1L << 18, MXR = 1L << 19;
  static final long TVM = 1L << 20, TW = 1L << 21, TSR = 1L << 22;
  static final long UXL_SXL_64 = 2L << 32 | 2L << 34, SD = 1L << 63;

  static final long MSTATUS_WRITABLE =
      SIE_BIT | MIE_BIT | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
  static final long SSTATUS_VISIBLE = SIE_BIT | SPIE | SPP | FS | SUM | MXR | (3L << 32) | SD;
  static final long SSTATUS_WRITABLE = SIE_BIT | SPIE | SPP | FS | SUM | MXR;

  /** Interrupt-pending/enable bits that exist on this hart. */
  static final long ALL_INTERRUPTS = 0xaaa;

  /** Interrupts M-mode may delegate, and the mip bits software may write. */
  static final long S_INTERRUPTS = 0x222;

  /** Exceptions M-mode may delegate: all but ecall-from-M and the reserved codes. */
  static final long DELEGABLE_EXCEPTIONS = 0xb3ff;

  /** RV64 (MXL=2) with I, M, A, F, D, C, S and U. */
  static final long MISA_VALUE =
      2L << 62
          | 1 << ('I' - 'A')
          | 1 << ('M' - 'A')
          | 1 << ('A' - 'A')
          | 1 << ('F' - 'A')
          | 1 << ('D' - 'A')
          | 1 << ('C' - 'A')
          | 1 << ('S' - 'A')
          | 1 << ('U' - 'A');
}
