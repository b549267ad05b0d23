package dev.berth.core.cpu;

import java.math.BigInteger;

/**
 * IEEE-754 arithmetic by exact computation: each result is the exact value rounded once, in any of
 * the five RISC-V rounding modes, with the flags the spec defines (tininess is detected after
 * rounding). Exact values of sums, products, quotients and roots are BigIntegers times a power of
 * two; {@link #round}, {@link #fromInt}, {@link #convert} and {@link #toInt} allocate nothing.
 */
final class SoftFloat {
  static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
  static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

  /** Flags raised since the owner last cleared them. */
  int flags;

  // ---- rounding ----------------------------------------------------------------------------

  /**
   * Rounds (-1)^neg × sig × 2^exp to format {@code f}. {@code sig} is a nonzero unsigned integer;
   * its bit 0 may be a sticky bit standing for nonzero bits below it, and then it has at least p+2
   * significant bits, so the sticky bit lies below the rounding position.
   */
  long round(boolean neg, long sig, int exp, FpFormat f, int rm) {
    int lz = Long.numberOfLeadingZeros(sig);
    if (lz >= 2) {
      sig <<= lz - 2;
      exp -= lz - 2;
    } else {
      sig = jamRight(sig, 2 - lz);
      exp += 2 - lz;
    }
    // Now 2^61 <= sig < 2^62; the leading bit weighs 2^(exp+61).
    int top = exp + 61;
    int drop = 62 - f.p;
    boolean tiny =
        top < f.emin - 1
            || (top == f.emin - 1 && (sig >>> drop) + increment(sig, drop, neg, rm) < 1L << f.p);
    drop = Math.max(drop, f.emin - (f.p - 1) - exp); // below 2^emin, fewer bits remain
    long kept = drop >= 64 ? 0 : sig >>> drop;
    boolean inexact = drop >= 64 || (sig & ((1L << drop) - 1)) != 0;
    kept += increment(sig, drop, neg, rm);
    int lsb = exp + drop;
    if (kept == 1L << f.p) {
      kept >>>= 1;
      lsb++;
    }
    if (inexact) {
      flags |= tiny ? NX | UF : NX;
    }
    long sign = neg ? f.sign : 0;
    if (kept < 1L << (f.p - 1)) {
      return sign | kept; // subnormal or zero
    }
    int biased = lsb + (f.p - 1) + f.bias;
    if (biased > f.emax + f.bias) {
      return overflow(sign, f, rm);
    }
    return sign | (long) biased << (f.p - 1) | (kept & f.fracMask);
  }

  /** 1 if dropping the low {@code drop} bits of {@code sig} (< 2^62) rounds the rest up. */
  private static int increment(long sig, int drop, boolean neg, int rm) {
    if (drop > 62) { // everything dropped, and less than half of the lowest kept unit
      return sig != 0 && ((rm == RUP && !neg) || (rm == RDN && neg)) ? 1 : 0;
    }
    long kept = sig >>> drop;
    long rest = sig & ((1L << drop) - 1);
    long half = 1L << (drop - 1);
    boolean up =
        switch (rm) {
          case RNE -> rest > half || (rest == half && (kept & 1) != 0);
          case RMM -> rest >= half;
          case RUP -> !neg && rest != 0;
          case RDN -> neg && rest != 0;
          default -> false;
        };
    return up ? 1 : 0;
  }

  private long overflow(long sign, FpFormat f, int rm) {
    flags |= OF | NX;
    boolean neg = sign != 0;
    boolean toInfinity = rm == RNE || rm == RMM || (rm == RUP && !neg) || (rm == RDN && neg);
    return sign | (toInfinity ? f.inf : f.maxFinite);
  }

  /** Shifts right by {@code n}, ORing every bit shifted out into bit 0. */
  static long jamRight(long x, int n) {
    if (n >= 64) {
      return x != 0 ? 1 : 0;
    }
    return (x >>> n) | ((x & ((1L << n) - 1)) != 0 ? 1 : 0);
  }

  /** Rounds (-1)^neg × mag × 2^exp, plus something below mag's last bit if {@code sticky}. */
  private long roundExact(
      boolean neg, BigInteger mag, int exp, boolean sticky, FpFormat f, int rm) {
    int extra = mag.bitLength() - 62;
    if (extra > 0) {
      sticky |= mag.getLowestSetBit() < extra;
      mag = mag.shiftRight(extra);
      exp += extra;
    }
    long sig = mag.longValue();
    return round(neg, sticky ? sig | 1 : sig, exp, f, rm);
  }

  // ---- special values ----------------------------------------------------------------------

  private long invalid(FpFormat f) {
    flags |= NV;
    return f.canonicalNaN;
  }

  /** A NaN operand gives the canonical NaN; a signalling one raises invalid. */
  private long nan(FpFormat f, long a, long b, long c) {
    if (f.isSignalingNaN(a) || f.isSignalingNaN(b) || f.isSignalingNaN(c)) {
      flags |= NV;
    }
    return f.canonicalNaN;
  }

  /** The zero an exact cancellation gives: -0 when rounding down, +0 otherwise. */
  private static long cancelled(FpFormat f, int rm) {
    return rm == RDN ? f.sign : 0;
  }

  private static BigInteger sig(FpFormat f, long v) {
    return BigInteger.valueOf(f.significand(v));
  }

  // ---- arithmetic --------------------------------------------------------------------------

  long add(long a, long b, FpFormat f, int rm) {
    if (f.isNaN(a) || f.isNaN(b)) {
      return nan(f, a, b, 0);
    }
    boolean na = f.isNegative(a), nb = f.isNegative(b);
    if (f.isInf(a)) {
      return f.isInf(b) && na != nb ? invalid(f) : a;
    }
    if (f.isInf(b)) {
      return b;
    }
    if (f.isZero(a) && f.isZero(b)) {
      return na == nb ? a : cancelled(f, rm);
    }
    return sum(na, sig(f, a), f.exponent(a), nb, sig(f, b), f.exponent(b), f, rm);
  }

  private long sum(
      boolean na, BigInteger x, int ex, boolean nb, BigInteger y, int ey, FpFormat f, int rm) {
    int e = Math.min(ex, ey);
    x = x.shiftLeft(ex - e);
    y = y.shiftLeft(ey - e);
    BigInteger s = (na ? x.negate() : x).add(nb ? y.negate() : y);
    if (s.signum() == 0) {
      return cancelled(f, rm);
    }
    return roundExact(s.signum() < 0, s.abs(), e, false, f, rm);
  }

  long mul(long a, long b, FpFormat f, int rm) {
    if (f.isNaN(a) || f.isNaN(b)) {
      return nan(f, a, b, 0);
    }
    boolean neg = f.isNegative(a) != f.isNegative(b);
    long sign = neg ? f.sign : 0;
    if (f.isInf(a) || f.isInf(b)) {
      return f.isZero(a) || f.isZero(b) ? invalid(f) : sign | f.inf;
    }
    if (f.isZero(a) || f.isZero(b)) {
      return sign;
    }
    return roundExact(
        neg, sig(f, a).multiply(sig(f, b)), f.exponent(a) + f.exponent(b), false, f, rm);
  }

  /** a × b + c with one rounding. */
  long fma(long a, long b, long c, FpFormat f, int rm) {
    boolean infTimesZero =
        (f.isInf(a) && f.isZero(b)) || (f.isZero(a) && f.isInf(b)); // invalid even if c is NaN
    if (infTimesZero) {
      return invalid(f);
    }
    if (f.isNaN(a) || f.isNaN(b) || f.isNaN(c)) {
      return nan(f, a, b, c);
    }
    boolean np = f.isNegative(a) != f.isNegative(b), nc = f.isNegative(c);
    if (f.isInf(a) || f.isInf(b)) {
      return f.isInf(c) && nc != np ? invalid(f) : (np ? f.sign : 0) | f.inf;
    }
    if (f.isInf(c)) {
      return c;
    }
    if (f.isZero(a) || f.isZero(b)) {
      return !f.isZero(c) ? c : np == nc ? c : cancelled(f, rm);
    }
    BigInteger product = sig(f, a).multiply(sig(f, b));
    return sum(np, product, f.exponent(a) + f.exponent(b), nc, sig(f, c), f.exponent(c), f, rm);
  }

  long div(long a, long b, FpFormat f, int rm) {
    if (f.isNaN(a) || f.isNaN(b)) {
      return nan(f, a, b, 0);
    }
    boolean neg = f.isNegative(a) != f.isNegative(b);
    long sign = neg ? f.sign : 0;
    if (f.isInf(a)) {
      return f.isInf(b) ? invalid(f) : sign | f.inf;
    }
    if (f.isInf(b)) {
      return sign;
    }
    if (f.isZero(b)) {
      if (f.isZero(a)) {
        return invalid(f);
      }
      flags |= DZ;
      return sign | f.inf;
    }
    if (f.isZero(a)) {
      return sign;
    }
    long sa = f.significand(a), sb = f.significand(b);
    // Enough quotient bits (p+3) that the remainder only decides the sticky bit.
    int k = Math.max(0, f.p + 3 + bitLength(sb) - bitLength(sa));
    BigInteger[] qr =
        BigInteger.valueOf(sa).shiftLeft(k).divideAndRemainder(BigInteger.valueOf(sb));
    int exp = f.exponent(a) - f.exponent(b) - k;
    return roundExact(neg, qr[0], exp, qr[1].signum() != 0, f, rm);
  }

  long sqrt(long a, FpFormat f, int rm) {
    if (f.isNaN(a)) {
      return nan(f, a, 0, 0);
    }
    if (f.isZero(a)) {
      return a;
    }
    if (f.isNegative(a)) {
      return invalid(f);
    }
    if (f.isInf(a)) {
      return a;
    }
    long s = f.significand(a);
    int e = f.exponent(a);
    int k = Math.max(0, 2 * (f.p + 3) - bitLength(s)); // a root of at least p+3 bits
    if (((e - k) & 1) != 0) {
      k++;
    }
    BigInteger n = BigInteger.valueOf(s).shiftLeft(k);
    BigInteger root = n.sqrt();
    return roundExact(false, root, (e - k) >> 1, !root.multiply(root).equals(n), f, rm);
  }

  private static int bitLength(long v) {
    return 64 - Long.numberOfLeadingZeros(v);
  }

  // ---- conversions -------------------------------------------------------------------------

  /** Format {@code from} to format {@code to}: exact when widening. */
  long convert(long a, FpFormat from, FpFormat to, int rm) {
    if (from.isNaN(a)) {
      nan(from, a, 0, 0);
      return to.canonicalNaN;
    }
    long sign = from.isNegative(a) ? to.sign : 0;
    if (from.isInf(a)) {
      return sign | to.inf;
    }
    if (from.isZero(a)) {
      return sign;
    }
    return round(sign != 0, from.significand(a), from.exponent(a), to, rm);
  }

  /** A 64-bit integer, signed or unsigned, to format {@code f}. */
  long fromInt(long v, boolean unsigned, FpFormat f, int rm) {
    if (v == 0) {
      return 0;
    }
    boolean neg = !unsigned && v < 0;
    return round(neg, neg ? -v : v, 0, f, rm);
  }

  /**
   * To an integer of kind 0 = W, 1 = WU, 2 = L, 3 = LU (the rs2 field): out-of-range values and NaN
   * saturate and raise invalid; a 32-bit result is sign-extended, as RV64 requires.
   */
  long toInt(long a, FpFormat f, int rm, int kind) {
    boolean unsigned = (kind & 1) != 0, wide = kind >= 2;
    long max =
        wide ? (unsigned ? -1L : Long.MAX_VALUE) : (unsigned ? 0xffffffffL : Integer.MAX_VALUE);
    long min = unsigned ? 0 : wide ? Long.MIN_VALUE : Integer.MIN_VALUE;
    boolean neg = f.isNegative(a);
    if (f.isNaN(a)) {
      return saturate(max, wide);
    }
    if (f.isInf(a)) {
      return saturate(neg ? min : max, wide);
    }
    if (f.isZero(a)) {
      return 0;
    }
    long sig = f.significand(a);
    int e = f.exponent(a);
    long mag; // the rounded magnitude, unsigned
    boolean inexact = false;
    if (e >= 0) {
      if (e + bitLength(sig) > 64) {
        return saturate(neg ? min : max, wide);
      }
      mag = sig << e;
    } else {
      int drop = -e;
      inexact = drop >= 64 || (sig & ((1L << drop) - 1)) != 0;
      mag = (drop >= 64 ? 0 : sig >>> drop) + increment(sig, drop, neg, rm);
    }
    boolean fits =
        neg
            ? mag == 0 || (!unsigned && Long.compareUnsigned(mag, -min) <= 0)
            : Long.compareUnsigned(mag, max) <= 0;
    if (!fits) {
      return saturate(neg ? min : max, wide);
    }
    if (inexact) {
      flags |= NX;
    }
    long v = neg ? -mag : mag;
    return wide ? v : (int) v;
  }

  private long saturate(long v, boolean wide) {
    flags |= NV;
    return wide ? v : (int) v;
  }
}
