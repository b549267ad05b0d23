package dev.berth.core.cpu;

/**
 * The two IEEE-754 binary formats of the F and D extensions, as raw bit patterns in a {@code long}
 * (a single occupies the low 32 bits). A finite value is {@code significand(v) * 2^exponent(v)}.
 */
enum FpFormat {
  S(24, 8),
  D(53, 11);

  /** Precision in bits, counting the hidden bit. */
  final int p;

  final int bias, emin, emax;
  final long sign, expMask, fracMask, inf, quietBit, canonicalNaN, maxFinite;

  FpFormat(int p, int expBits) {
    this.p = p;
    bias = (1 << (expBits - 1)) - 1;
    emin = 1 - bias;
    emax = bias;
    sign = 1L << (p + expBits - 1);
    fracMask = (1L << (p - 1)) - 1;
    expMask = ((1L << expBits) - 1) << (p - 1);
    inf = expMask;
    quietBit = 1L << (p - 2);
    canonicalNaN = expMask | quietBit;
    maxFinite = inf - 1;
  }

  boolean isNaN(long v) {
    return (v & ~sign) > inf;
  }

  boolean isSignalingNaN(long v) {
    return isNaN(v) && (v & quietBit) == 0;
  }

  boolean isInf(long v) {
    return (v & ~sign) == inf;
  }

  boolean isZero(long v) {
    return (v & ~sign) == 0;
  }

  boolean isNegative(long v) {
    return (v & sign) != 0;
  }

  int biasedExponent(long v) {
    return (int) ((v & expMask) >>> (p - 1));
  }

  /** The integer significand of a finite value (the hidden bit included for normals). */
  long significand(long v) {
    long frac = v & fracMask;
    return biasedExponent(v) == 0 ? frac : frac | (1L << (p - 1));
  }

  /** The weight (power of two) of the significand's lowest bit, for a finite value. */
  int exponent(long v) {
    return Math.max(biasedExponent(v), 1) - bias - (p - 1);
  }
}
