package dev.berth.core.cpu;

/** Exception and interrupt codes of the RISC-V privileged spec (mcause/scause). */
public final class Cause {
  private Cause() {}

  public static final int INSN_MISALIGNED = 0;
  public static final int INSN_ACCESS = 1;
  public static final int ILLEGAL_INSN = 2;
  public static final int BREAKPOINT = 3;
  public static final int LOAD_MISALIGNED = 4;
  public static final int LOAD_ACCESS = 5;
  public static final int STORE_MISALIGNED = 6;
  public static final int STORE_ACCESS = 7;
  public static final int ECALL_U = 8;
  public static final int ECALL_S = 9;
  public static final int ECALL_M = 11;
  public static final int INSN_PAGE_FAULT = 12;
  public static final int LOAD_PAGE_FAULT = 13;
  public static final int STORE_PAGE_FAULT = 15;

  /** Interrupt numbers, which are also their bit positions in mip/mie. */
  public static final int IRQ_S_SOFT = 1;

  public static final int IRQ_M_SOFT = 3;
  public static final int IRQ_S_TIMER = 5;
  public static final int IRQ_M_TIMER = 7;
  public static final int IRQ_S_EXT = 9;
  public static final int IRQ_M_EXT = 11;
}
