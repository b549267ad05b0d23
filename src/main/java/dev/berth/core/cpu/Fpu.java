package dev.berth.core.cpu;

import static dev.berth.core.cpu.FpFormat.D;
import static dev.berth.core.cpu.SoftFloat.NV;
import static dev.berth.core.cpu.SoftFloat.NX;
import static dev.berth.core.cpu.SoftFloat.OF;
import static dev.berth.core.cpu.SoftFloat.RNE;
import static dev.berth.core.cpu.SoftFloat.UF;

/**
 * The F and D arithmetic on raw bit patterns, raising IEEE flags. Round-to-nearest-even, the mode
 * programs run in, takes the JDK's own double arithmetic when the operands and result are far from
 * the ends of the exponent range: exactness (the inexact flag) then follows from error-free
 * transformations (TwoSum, and the remainder Math.fma computes exactly). Singles go through
 * doubles, where products and most sums are exact. Everything else is {@link SoftFloat}'s exact
 * computation.
 */
final class Fpu {
  private final SoftFloat soft = new SoftFloat();

  /** The flags raised since the last call, cleared. */
  int takeFlags() {
    int f = soft.flags;
    soft.flags = 0;
    return f;
  }

  private static double d(long v) {
    return Double.longBitsToDouble(v);
  }

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  /** A single (low 32 bits) as the double of the same value. */
  private static double s(long v) {
    return Float.intBitsToFloat((int) v);
  }

  private static long bits(float v) {
    return Float.floatToRawIntBits(v) & 0xffffffffL;
  }

  /**
   * True if |x| is far enough from both ends of the double range that products, quotients and roots
   * near it have exactly representable remainders and cannot overflow.
   */
  private static boolean central(double x) {
    double m = Math.abs(x);
    return m >= 0x1p-900 && m <= 0x1p1000;
  }

  /**
   * The rounding error of s = RN(x + y), exactly (Knuth's TwoSum; no overflow for |x|,|y| ≤
   * 2^1000).
   */
  private static double twoSumError(double x, double y, double s) {
    double yv = s - x;
    double xv = s - yv;
    return (x - xv) + (y - yv);
  }

  /** Rounds an exact double value to single precision in RNE, with its flags. */
  private long exactToSingle(double v) {
    float r = (float) v;
    if (r != v) {
      if (Float.isInfinite(r)) {
        soft.flags |= OF | NX;
      } else if (Math.abs(v) < 0x1p-126 && Math.abs((float) (v * 0x1p64)) < 0x1p-62f) {
        soft.flags |= NX | UF; // tiny even when rounded to 24 bits with an unbounded exponent
      } else {
        soft.flags |= NX;
      }
    }
    return bits(r);
  }

  long add(long a, long b, FpFormat f, int rm) {
    if (rm == RNE) {
      if (f == D) {
        double x = d(a), y = d(b);
        if (Math.abs(x) <= 0x1p1000 && Math.abs(y) <= 0x1p1000) {
          double r = x + y; // a sum is never tiny and inexact: no underflow
          if (twoSumError(x, y, r) != 0) {
            soft.flags |= NX;
          }
          return bits(r);
        }
      } else {
        double x = s(a), y = s(b);
        if (Double.isFinite(x) && Double.isFinite(y)) {
          double r = x + y;
          if (twoSumError(x, y, r) == 0) {
            return exactToSingle(r);
          }
        }
      }
    }
    return soft.add(a, b, f, rm);
  }

  long sub(long a, long b, FpFormat f, int rm) {
    return add(a, b ^ f.sign, f, rm);
  }

  long mul(long a, long b, FpFormat f, int rm) {
    if (rm == RNE) {
      if (f == D) {
        double x = d(a), y = d(b);
        double r = x * y;
        if (central(x) && central(y) && central(r)) {
          if (Math.fma(x, y, -r) != 0) {
            soft.flags |= NX;
          }
          return bits(r);
        }
      } else {
        double x = s(a), y = s(b);
        if (Double.isFinite(x) && Double.isFinite(y)) {
          return exactToSingle(x * y); // 24 × 24 bits: exact in a double
        }
      }
    }
    return soft.mul(a, b, f, rm);
  }

  /** a × b + c with a single rounding. */
  long fma(long a, long b, long c, FpFormat f, int rm) {
    if (rm == RNE) {
      if (f == D) {
        double x = d(a), y = d(b), z = d(c);
        double p = x * y;
        // When the product is exact this is a plain sum.
        if (central(x)
            && central(y)
            && central(p)
            && Math.abs(z) <= 0x1p1000
            && Math.fma(x, y, -p) == 0) {
          double r = p + z;
          if (twoSumError(p, z, r) != 0) {
            soft.flags |= NX;
          }
          return bits(r);
        }
      } else {
        double x = s(a), y = s(b), z = s(c);
        if (Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z)) {
          double p = x * y;
          double r = p + z;
          if (twoSumError(p, z, r) == 0) {
            return exactToSingle(r);
          }
        }
      }
    }
    return soft.fma(a, b, c, f, rm);
  }

  long div(long a, long b, FpFormat f, int rm) {
    if (rm == RNE) {
      if (f == D) {
        double x = d(a), y = d(b);
        double r = x / y;
        if (central(x) && central(y) && central(r)) {
          if (Math.fma(-r, y, x) != 0) {
            soft.flags |= NX;
          }
          return bits(r);
        }
      } else {
        double x = s(a), y = s(b);
        // Double rounding through a double is harmless for quotients (53 >= 2 × 24 + 2).
        float r = (float) (x / y);
        if (Math.abs(r) > Float.MIN_NORMAL && Math.abs(r) < Float.MAX_VALUE && x != 0) {
          if (r * y != x) { // 24 × 24 bits: exact in a double
            soft.flags |= NX;
          }
          return bits(r);
        }
      }
    }
    return soft.div(a, b, f, rm);
  }

  long sqrt(long a, FpFormat f, int rm) {
    if (rm == RNE) {
      if (f == D) {
        double x = d(a);
        if (x > 0 && central(x)) {
          double r = Math.sqrt(x);
          if (Math.fma(-r, r, x) != 0) {
            soft.flags |= NX;
          }
          return bits(r);
        }
      } else {
        double x = s(a);
        if (x > 0 && x < Double.POSITIVE_INFINITY) {
          float r = (float) Math.sqrt(x); // double rounding is harmless here too
          if ((double) r * r != x) {
            soft.flags |= NX;
          }
          return bits(r);
        }
      }
    }
    return soft.sqrt(a, f, rm);
  }

  // ---- conversions -------------------------------------------------------------------------

  long doubleToSingle(long a, int rm) {
    double x = d(a);
    if (rm == RNE && Double.isFinite(x)) {
      return exactToSingle(x);
    }
    return soft.convert(a, D, FpFormat.S, rm);
  }

  long singleToDouble(long a, int rm) {
    double x = s(a);
    return Double.isNaN(x) ? soft.convert(a, FpFormat.S, D, rm) : bits(x);
  }

  /** A signed or unsigned 64-bit integer to format {@code f}. */
  long fromInt(long v, boolean unsigned, FpFormat f, int rm) {
    long limit = 1L << f.p; // below it every integer is exact
    if (v > -limit && v < limit && (v >= 0 || !unsigned)) {
      return f == D ? bits((double) v) : bits((float) v);
    }
    return soft.fromInt(v, unsigned, f, rm);
  }

  /** To an integer of kind 0 = W, 1 = WU, 2 = L, 3 = LU. */
  long toInt(long a, FpFormat f, int rm, int kind) {
    return soft.toInt(a, f, rm, kind);
  }

  // ---- sign, comparison, classification ----------------------------------------------------

  private static double value(long v, FpFormat f) {
    return f == D ? d(v) : s(v);
  }

  /** FMIN/FMAX: -0 < +0; one NaN operand gives the other; a signalling NaN raises invalid. */
  long minMax(long a, long b, FpFormat f, boolean max) {
    if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
      soft.flags |= NV;
    }
    boolean aNaN = f.isNaN(a), bNaN = f.isNaN(b);
    if (aNaN || bNaN) {
      return aNaN && bNaN ? f.canonicalNaN : aNaN ? b : a;
    }
    double x = value(a, f), y = value(b, f);
    if (x == y) {
      return max ? a & b : a | b; // differ only for ±0: the sign bit decides
    }
    return (x < y) != max ? a : b;
  }

  /** FEQ (quiet: only a signalling NaN raises invalid), FLT and FLE (any NaN raises invalid). */
  long compare(long a, long b, FpFormat f, int funct3) {
    boolean anyNaN = f.isNaN(a) || f.isNaN(b);
    boolean quiet = funct3 == 2;
    if (anyNaN && (!quiet || f.isSignalingNaN(a) || f.isSignalingNaN(b))) {
      soft.flags |= NV;
    }
    double x = value(a, f), y = value(b, f);
    boolean r =
        switch (funct3) {
          case 0 -> x <= y;
          case 1 -> x < y;
          default -> x == y;
        };
    return r ? 1 : 0;
  }

  /** FCLASS: one bit out of ten. */
  static long classify(long a, FpFormat f) {
    boolean neg = f.isNegative(a);
    int bit;
    if (f.isInf(a)) {
      bit = neg ? 0 : 7;
    } else if (f.isNaN(a)) {
      bit = f.isSignalingNaN(a) ? 8 : 9;
    } else if (f.isZero(a)) {
      bit = neg ? 3 : 4;
    } else if (f.biasedExponent(a) == 0) {
      bit = neg ? 2 : 5;
    } else {
      bit = neg ? 1 : 6;
    }
    return 1L << bit;
  }
}
