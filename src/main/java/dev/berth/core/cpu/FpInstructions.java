package dev.berth.core.cpu;

import static dev.berth.core.cpu.Csr.FS;
import static dev.berth.core.cpu.FpFormat.D;
import static dev.berth.core.cpu.FpFormat.S;
import static dev.berth.core.cpu.Hart.funct3;
import static dev.berth.core.cpu.Hart.immI;
import static dev.berth.core.cpu.Hart.immS;
import static dev.berth.core.cpu.Hart.rd;
import static dev.berth.core.cpu.Hart.rs1;
import static dev.berth.core.cpu.Hart.rs2;

/**
 * The F and D extensions' instructions for one hart: the 32 f registers, decoding, NaN-boxing of
 * singles, rounding-mode selection and the accrued flags. mstatus.FS gates them all: with FS Off
 * every one is illegal, and any write to an f register or to fflags makes FS Dirty.
 */
final class FpInstructions {
  /** Each register holds a double, or a single NaN-boxed in the upper 32 bits. */
  private final long[] f = new long[32];

  private static final long BOX = 0xffffffff00000000L;

  private final Hart hart;
  private final CsrFile csr;
  private final Fpu fpu = new Fpu();

  FpInstructions(Hart hart, CsrFile csr) {
    this.hart = hart;
    this.csr = csr;
  }

  void reset() {
    java.util.Arrays.fill(f, 0);
  }

  void save(dev.berth.core.state.StateOut out) {
    out.begin("fpu").longs(f);
  }

  void restore(dev.berth.core.state.StateIn in) throws dev.berth.core.state.StateException {
    in.begin("fpu").longs(f);
  }

  private void requireEnabled(int i) {
    if ((csr.mstatus & FS) == 0) {
      throw hart.illegal(i);
    }
  }

  private FpFormat format(int i) {
    return switch ((i >>> 25) & 3) {
      case 0 -> S;
      case 1 -> D;
      default -> throw hart.illegal(i); // H and Q do not exist here
    };
  }

  /** The instruction's rounding mode; 7 selects frm. Modes 5 and 6 are illegal. */
  private int roundingMode(int i) {
    int rm = funct3(i);
    if (rm == 7) {
      rm = csr.frm;
    }
    if (rm > 4) {
      throw hart.illegal(i);
    }
    return rm;
  }

  /** A single that is not properly NaN-boxed reads as the canonical NaN. */
  private long read(int r, FpFormat fmt) {
    long v = f[r];
    if (fmt == D) {
      return v;
    }
    return (v & BOX) == BOX ? v & 0xffffffffL : S.canonicalNaN;
  }

  private void write(int rd, long bits, FpFormat fmt) {
    f[rd] = fmt == S ? bits | BOX : bits;
    csr.mstatus |= FS;
  }

  private void accrueFlags() {
    int flags = fpu.takeFlags();
    if (flags != 0) {
      csr.fflags |= flags;
      csr.mstatus |= FS;
    }
  }

  void load(int i) {
    requireEnabled(i);
    long addr = hart.x[rs1(i)] + immI(i);
    switch (funct3(i)) {
      case 2 -> write(rd(i), hart.load(addr, 4), S);
      case 3 -> write(rd(i), hart.load(addr, 8), D);
      default -> throw hart.illegal(i);
    }
  }

  void store(int i) {
    requireEnabled(i);
    long addr = hart.x[rs1(i)] + immS(i);
    switch (funct3(i)) {
      case 2 -> hart.store(addr, 4, f[rs2(i)]);
      case 3 -> hart.store(addr, 8, f[rs2(i)]);
      default -> throw hart.illegal(i);
    }
  }

  /** FMADD, FMSUB, FNMSUB, FNMADD: the negations are exact, so one fused operation serves all. */
  void fusedMultiplyAdd(int i) {
    requireEnabled(i);
    FpFormat fmt = format(i);
    int rm = roundingMode(i);
    int op = (i >>> 2) & 3;
    long a = read(rs1(i), fmt), b = read(rs2(i), fmt), c = read(i >>> 27, fmt);
    if (op >= 2) {
      a ^= fmt.sign; // FNMSUB, FNMADD negate the product
    }
    if (op == 1 || op == 3) {
      c ^= fmt.sign; // FMSUB, FNMADD subtract the addend
    }
    write(rd(i), fpu.fma(a, b, c, fmt, rm), fmt);
    accrueFlags();
  }

  /** OP-FP: one case per funct5. */
  void op(int i) {
    requireEnabled(i);
    FpFormat fmt = format(i);
    int rd = rd(i), rs1 = rs1(i), rs2 = rs2(i), f3 = funct3(i);
    long a = read(rs1, fmt), b = read(rs2, fmt);
    switch (i >>> 27) {
      case 0x00 -> write(rd, fpu.add(a, b, fmt, roundingMode(i)), fmt);
      case 0x01 -> write(rd, fpu.sub(a, b, fmt, roundingMode(i)), fmt);
      case 0x02 -> write(rd, fpu.mul(a, b, fmt, roundingMode(i)), fmt);
      case 0x03 -> write(rd, fpu.div(a, b, fmt, roundingMode(i)), fmt);
      case 0x0b -> {
        requireRs2(i, 0);
        write(rd, fpu.sqrt(a, fmt, roundingMode(i)), fmt);
      }
      case 0x04 -> write(rd, signInjection(a, b, fmt, i), fmt);
      case 0x05 -> {
        if (f3 > 1) {
          throw hart.illegal(i);
        }
        write(rd, fpu.minMax(a, b, fmt, f3 == 1), fmt);
      }
      case 0x08 -> convertFormat(i, fmt, rs1);
      case 0x14 -> {
        if (f3 > 2) {
          throw hart.illegal(i);
        }
        hart.setReg(rd, fpu.compare(a, b, fmt, f3));
      }
      case 0x18 -> {
        int rm = roundingMode(i);
        hart.setReg(rd, fpu.toInt(a, fmt, rm, intKind(i)));
      }
      case 0x1a -> fromInt(i, fmt, rd, rs1);
      case 0x1c -> {
        requireRs2(i, 0);
        if (f3 == 0) { // FMV.X.W takes the low 32 bits as they are, boxed or not
          hart.setReg(rd, fmt == S ? (int) f[rs1] : f[rs1]);
        } else if (f3 == 1) {
          hart.setReg(rd, Fpu.classify(a, fmt));
        } else {
          throw hart.illegal(i);
        }
      }
      case 0x1e -> {
        if (f3 != 0 || rs2 != 0) {
          throw hart.illegal(i);
        }
        long v = hart.x[rs1];
        write(rd, fmt == S ? v & 0xffffffffL : v, fmt);
      }
      default -> throw hart.illegal(i);
    }
    accrueFlags();
  }

  private void requireRs2(int i, int value) {
    if (rs2(i) != value) {
      throw hart.illegal(i);
    }
  }

  private int intKind(int i) {
    int kind = rs2(i);
    if (kind > 3) {
      throw hart.illegal(i);
    }
    return kind;
  }

  private long signInjection(long a, long b, FpFormat fmt, int i) {
    long sign =
        switch (funct3(i)) {
          case 0 -> b & fmt.sign;
          case 1 -> ~b & fmt.sign;
          case 2 -> (a ^ b) & fmt.sign;
          default -> throw hart.illegal(i);
        };
    return (a & ~fmt.sign) | sign;
  }

  /** FCVT.S.D (rs2 = 1) and FCVT.D.S (rs2 = 0). */
  private void convertFormat(int i, FpFormat fmt, int rs1) {
    int rm = roundingMode(i);
    if (fmt == S) {
      requireRs2(i, 1);
      write(rd(i), fpu.doubleToSingle(read(rs1, D), rm), S);
    } else {
      requireRs2(i, 0);
      write(rd(i), fpu.singleToDouble(read(rs1, S), rm), D);
    }
  }

  /** FCVT.fmt.W/WU/L/LU: a W source is the low 32 bits, sign- or zero-extended. */
  private void fromInt(int i, FpFormat fmt, int rd, int rs1) {
    int kind = intKind(i);
    int rm = roundingMode(i);
    long v = hart.x[rs1];
    if (kind == 0) {
      v = (int) v;
    } else if (kind == 1) {
      v &= 0xffffffffL;
    }
    write(rd, fpu.fromInt(v, kind == 3, fmt, rm), fmt);
  }
}
