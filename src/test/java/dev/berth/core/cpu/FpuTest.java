package dev.berth.core.cpu;

import static dev.berth.core.cpu.FpFormat.D;
import static dev.berth.core.cpu.FpFormat.S;
import static dev.berth.core.cpu.SoftFloat.DZ;
import static dev.berth.core.cpu.SoftFloat.NV;
import static dev.berth.core.cpu.SoftFloat.NX;
import static dev.berth.core.cpu.SoftFloat.OF;
import static dev.berth.core.cpu.SoftFloat.RDN;
import static dev.berth.core.cpu.SoftFloat.RMM;
import static dev.berth.core.cpu.SoftFloat.RNE;
import static dev.berth.core.cpu.SoftFloat.RTZ;
import static dev.berth.core.cpu.SoftFloat.RUP;
import static dev.berth.core.cpu.SoftFloat.UF;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** IEEE-754 results and flags of the F and D arithmetic, against values worked out by hand. */
class FpuTest {
  private final Fpu fpu = new Fpu();

  private static final long ONE = 0x3ff0000000000000L, THIRD = 0x3fd5555555555555L;
  private static final long MAX = 0x7fefffffffffffffL, INF = 0x7ff0000000000000L;
  private static final long MIN_NORMAL = 0x0010000000000000L, MAX_SUBNORMAL = 0x000fffffffffffffL;
  private static final long QNAN = 0x7ff8000000000000L, SNAN = 0x7ff0000000000001L;
  private static final long NEG = 0x8000000000000000L;

  private static long d(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static long s(float v) {
    return Float.floatToRawIntBits(v) & 0xffffffffL;
  }

  /** Asserts result bits and exactly the flags raised. */
  private void check(long expected, int flags, long actual) {
    int raised = fpu.takeFlags();
    assertEquals(Long.toHexString(expected), Long.toHexString(actual), "result");
    assertEquals(flags, raised, "flags");
  }

  @Test
  void eachRoundingModeOnAnInexactQuotient() {
    long three = d(3);
    check(THIRD, NX, fpu.div(ONE, three, D, RNE));
    check(THIRD, NX, fpu.div(ONE, three, D, RTZ));
    check(THIRD, NX, fpu.div(ONE, three, D, RDN));
    check(THIRD + 1, NX, fpu.div(ONE, three, D, RUP));
    check(THIRD, NX, fpu.div(ONE, three, D, RMM));
    check(NEG | THIRD + 1, NX, fpu.div(ONE | NEG, three, D, RDN));
    check(NEG | THIRD, NX, fpu.div(ONE | NEG, three, D, RUP));
    check(s(1f / 3), NX, fpu.div(s(1), s(3), S, RNE));
    check(s(1f / 3), NX, fpu.div(s(1), s(3), S, RUP)); // in single, RNE rounds 1/3 up
    check(s(1f / 3) - 1, NX, fpu.div(s(1), s(3), S, RTZ));
  }

  @Test
  void tiesGoToEvenOrAwayFromZero() {
    long halfUlp = d(0x1p-53), threeHalfUlps = d(0x1.8p-52);
    check(ONE, NX, fpu.add(ONE, halfUlp, D, RNE));
    check(ONE + 1, NX, fpu.add(ONE, halfUlp, D, RMM));
    check(ONE + 1, NX, fpu.add(ONE, halfUlp, D, RUP));
    check(ONE, NX, fpu.add(ONE, halfUlp, D, RDN));
    check(ONE, NX, fpu.add(ONE, halfUlp, D, RTZ));
    check(ONE + 2, NX, fpu.add(ONE, threeHalfUlps, D, RNE)); // 1 + 1.5 ulp: the even neighbour
    check(ONE + 2, NX, fpu.add(ONE, threeHalfUlps, D, RMM));
    check(NEG | ONE + 1, NX, fpu.sub(ONE | NEG, halfUlp, D, RMM));
    check(s(1), NX, fpu.add(s(1), s(0x1p-24f), S, RNE));
    check(s(1) + 1, NX, fpu.add(s(1), s(0x1p-24f), S, RMM));
  }

  @Test
  void overflowDependsOnModeAndSign() {
    check(INF, OF | NX, fpu.add(MAX, MAX, D, RNE));
    check(MAX, OF | NX, fpu.add(MAX, MAX, D, RTZ));
    check(MAX, OF | NX, fpu.add(MAX, MAX, D, RDN));
    check(INF, OF | NX, fpu.add(MAX, MAX, D, RUP));
    check(INF, OF | NX, fpu.mul(MAX, d(2), D, RMM));
    check(NEG | INF, OF | NX, fpu.add(NEG | MAX, NEG | MAX, D, RDN));
    check(NEG | MAX, OF | NX, fpu.add(NEG | MAX, NEG | MAX, D, RUP));
    check(s(Float.POSITIVE_INFINITY), OF | NX, fpu.mul(s(Float.MAX_VALUE), s(2), S, RNE));
    check(s(Float.MAX_VALUE), OF | NX, fpu.mul(s(Float.MAX_VALUE), s(2), S, RTZ));
    // Above MAX but rounding down to it in RNE: no overflow.
    check(MAX, NX, fpu.add(MAX, d(0x1p969), D, RNE));
    check(INF, OF | NX, fpu.add(MAX, d(0x1p969), D, RUP));
  }

  @Test
  void underflowIsDetectedAfterRounding() {
    long justAboveOne = ONE + 1; // 1 + 2^-52
    // (2^-1022 - 2^-1074)(1 + 2^-52) = 2^-1022 - 2^-1126: rounds to 2^-1022 even with an
    // unbounded exponent, so it is not tiny: inexact only.
    check(MIN_NORMAL, NX, fpu.mul(MAX_SUBNORMAL, justAboveOne, D, RNE));
    // Towards zero it stays below 2^-1022: tiny and inexact.
    check(MAX_SUBNORMAL, UF | NX, fpu.mul(MAX_SUBNORMAL, justAboveOne, D, RTZ));
    // 2^-1022 (1 - 2^-53) is exact with 53 bits, below 2^-1022, and a tie at subnormal precision:
    // it rounds up to 2^-1022 but was tiny.
    check(MIN_NORMAL, UF | NX, fpu.mul(MIN_NORMAL, d(1 - 0x1p-53), D, RNE));
    // An exact subnormal result raises nothing.
    check(1, 0, fpu.div(2, d(2), D, RNE));
    check(0, UF | NX, fpu.div(1, d(4), D, RNE)); // 2^-1076 rounds to 0
    check(1, UF | NX, fpu.div(1, d(4), D, RUP));
    // The same boundary in single precision.
    check(0x00800000, NX, fpu.mul(0x007fffff, s(1 + 0x1p-23f), S, RNE));
    check(0x007fffff, UF | NX, fpu.mul(0x007fffff, s(1 + 0x1p-23f), S, RTZ));
    check(0x00800000, UF | NX, fpu.mul(0x00800000, s(1 - 0x1p-24f), S, RNE));
  }

  @Test
  void nanResultsAreCanonicalAndSignallingOnesRaiseInvalid() {
    check(QNAN, NV, fpu.add(SNAN, ONE, D, RNE));
    check(QNAN, 0, fpu.add(0xfff8000000000123L, ONE, D, RNE));
    check(QNAN, NV, fpu.sub(INF, INF, D, RNE));
    check(QNAN, NV, fpu.mul(INF, 0, D, RNE));
    check(QNAN, NV, fpu.div(0, 0, D, RNE));
    check(INF | NEG, DZ, fpu.div(NEG | ONE, 0, D, RNE));
    check(QNAN, NV, fpu.sqrt(NEG | ONE, D, RNE));
    check(NEG, 0, fpu.sqrt(NEG, D, RNE));
    check(0x7fc00000L, NV, fpu.add(0x7f800001L, s(1), S, RNE));
    check(0x7fc00000L, 0, fpu.mul(0xffc00000L, s(1), S, RDN));
  }

  @Test
  void fusedMultiplyAddRoundsOnce() {
    long a = ONE + 1, b = d(1 - 0x1p-53); // a·b = 1 + 2^-53 - 2^-105
    check(d(0x1p-53 - 0x1p-105), 0, fpu.fma(a, b, NEG | ONE, D, RNE));
    check(d(0x1p-53 - 0x1p-105), 0, fpu.fma(a, b, NEG | ONE, D, RUP));
    check(ONE, NX, fpu.fma(a, b, 0, D, RNE)); // just below the tie
    check(ONE + 1, NX, fpu.fma(a, b, 0, D, RUP));
    check(QNAN, NV, fpu.fma(INF, 0, QNAN, D, RNE)); // invalid even with a quiet NaN addend
    check(QNAN, NV, fpu.fma(INF, ONE, NEG | INF, D, RNE));
    check(NEG, 0, fpu.fma(NEG, ONE, NEG, D, RNE)); // -0 + -0
    check(0, 0, fpu.fma(NEG, ONE, 0, D, RNE));
    check(NEG, 0, fpu.fma(ONE, ONE, NEG | ONE, D, RDN)); // exact cancellation rounding down
    // Single: (1 + 2^-23)(1 - 2^-24) - 1 = 2^-24 - 2^-47, exactly
    check(s(0x1p-24f - 0x1p-47f), 0, fpu.fma(s(1 + 0x1p-23f), s(1 - 0x1p-24f), s(-1), S, RNE));
    // Single where the double sum is inexact: 1 + 2^-30·(1 + 2^-40) needs the exact path
    check(s(1), NX, fpu.fma(s(0x1p-30f), s(1 + 0x1p-23f), s(1), S, RNE));
    check(s(1) + 1, NX, fpu.fma(s(0x1p-30f), s(1 + 0x1p-23f), s(1), S, RUP));
  }

  @Test
  void signedZerosOfSumsAndProducts() {
    check(0, 0, fpu.add(ONE, NEG | ONE, D, RNE));
    check(NEG, 0, fpu.add(ONE, NEG | ONE, D, RDN));
    check(0, 0, fpu.add(NEG, 0, D, RNE));
    check(NEG, 0, fpu.add(NEG, 0, D, RDN));
    check(NEG, 0, fpu.add(NEG, NEG, D, RUP));
    check(NEG, 0, fpu.mul(NEG, d(5), D, RNE));
    check(0x80000000L, 0, fpu.mul(0x80000000L, s(5), S, RNE));
  }

  @Test
  void conversionsToIntegersSaturate() {
    check(0x7fffffff, NV, fpu.toInt(d(0x1p31), D, RNE, 0));
    check(Integer.MIN_VALUE, NV, fpu.toInt(d(-0x1p31 - 1), D, RNE, 0));
    check(Integer.MIN_VALUE, NX, fpu.toInt(d(-0x1p31 - 0.5), D, RTZ, 0));
    check(0x7fffffff, NV, fpu.toInt(QNAN | NEG, D, RNE, 0)); // NaN: the largest value
    check(Integer.MIN_VALUE, NV, fpu.toInt(NEG | INF, D, RNE, 0));
    check(2, NX, fpu.toInt(d(2.5), D, RNE, 0));
    check(3, NX, fpu.toInt(d(2.5), D, RMM, 0));
    check(3, NX, fpu.toInt(d(2.5), D, RUP, 0));
    check(2, NX, fpu.toInt(d(2.5), D, RDN, 0));
    check(2, NX, fpu.toInt(d(2.5), D, RTZ, 0));
    check(-3, NX, fpu.toInt(d(-2.5), D, RMM, 0));
    check(-3, NX, fpu.toInt(d(-2.5), D, RDN, 0));
    check(0, NX, fpu.toInt(d(-0.5), D, RTZ, 1)); // rounds to 0: in range for WU
    check(0, NV, fpu.toInt(d(-1), D, RTZ, 1));
    check(0, NV, fpu.toInt(d(-0.5), D, RDN, 1)); // rounds to -1: out of range
    check(-1, NV, fpu.toInt(d(0x1p32), D, RNE, 1)); // 0xffffffff, sign-extended
    check(0xffffffffb2d05e00L, 0, fpu.toInt(s(3e9f), S, RNE, 1));
    check(Long.MIN_VALUE, 0, fpu.toInt(d(-0x1p63), D, RNE, 2));
    check(Long.MAX_VALUE, NV, fpu.toInt(d(0x1p63), D, RNE, 2));
    check(0xfffffffffffff800L, 0, fpu.toInt(d(0x1.fffffffffffffp63), D, RNE, 3));
    check(-1, NV, fpu.toInt(d(0x1p64), D, RNE, 3));
    check(1, NX, fpu.toInt(1, D, RUP, 3)); // the smallest subnormal, rounded up
  }

  @Test
  void conversionsFromIntegersRound() {
    long big = (1L << 53) + 1;
    check(d(0x1p53), NX, fpu.fromInt(big, false, D, RNE));
    check(d(0x1p53) + 1, NX, fpu.fromInt(big, false, D, RUP));
    check(d(-0x1p53) + 1, NX, fpu.fromInt(-big, false, D, RDN));
    check(0x5f800000L, NX, fpu.fromInt(-1, true, S, RNE)); // 2^64 - 1 → 2^64
    check(0x5f7fffffL, NX, fpu.fromInt(-1, true, S, RTZ));
    check(0x43efffffffffffffL, NX, fpu.fromInt(-1, true, D, RDN));
    check(d(-0x1p63), 0, fpu.fromInt(Long.MIN_VALUE, false, D, RNE));
    check(s(16777216f), NX, fpu.fromInt(16777217, false, S, RNE));
    check(0, 0, fpu.fromInt(0, false, S, RDN));
  }

  @Test
  void conversionsBetweenFormats() {
    check(0x7f800000L, OF | NX, fpu.doubleToSingle(MAX, RNE));
    check(0x7f7fffffL, OF | NX, fpu.doubleToSingle(MAX, RTZ));
    check(0, UF | NX, fpu.doubleToSingle(d(1e-50), RNE));
    check(1, UF | NX, fpu.doubleToSingle(d(1e-50), RUP));
    check(0x00800000L, NX, fpu.doubleToSingle(d(0x1.fffffffffffffp-127), RNE)); // not tiny
    check(0x00800000L, UF | NX, fpu.doubleToSingle(d(0x1p-126 - 0x1p-150), RNE)); // tiny tie
    check(0x7fc00000L, NV, fpu.doubleToSingle(SNAN, RNE));
    check(QNAN, NV, fpu.singleToDouble(0xff800001L, RNE));
    check(d(0x1p-149), 0, fpu.singleToDouble(1, RNE));
  }

  @Test
  void minMaxCompareAndClassify() {
    check(NEG, 0, fpu.minMax(0, NEG, D, false));
    check(0, 0, fpu.minMax(NEG, 0, D, true));
    check(ONE, 0, fpu.minMax(QNAN, ONE, D, false));
    check(ONE, NV, fpu.minMax(ONE, SNAN, D, true));
    check(QNAN, NV, fpu.minMax(SNAN, QNAN, D, false));
    check(0, NV, fpu.compare(SNAN, ONE, D, 2)); // feq: quiet
    check(0, 0, fpu.compare(QNAN, ONE, D, 2));
    check(0, NV, fpu.compare(QNAN, ONE, D, 1)); // flt: signalling
    check(1, 0, fpu.compare(NEG, 0, D, 0)); // -0 <= +0
    check(0, 0, fpu.compare(NEG, 0, D, 1));
    long[] values = {NEG | INF, NEG | ONE, NEG | 1, NEG, 0, 1, ONE, INF, SNAN, QNAN};
    for (int bit = 0; bit < values.length; bit++) {
      assertEquals(1L << bit, Fpu.classify(values[bit], D));
    }
    assertEquals(1L << 8, Fpu.classify(0x7fa00000L, S));
  }

  /**
   * The fast paths and the exact computation agree, bit for bit and flag for flag, in RNE over
   * operands picked to reach every branch: the fast paths' guards must send every case they cannot
   * get exactly right to the exact path.
   */
  @Test
  void fastPathsAgreeWithExactComputation() {
    SoftFloat exact = new SoftFloat();
    SplittableRandom random = new SplittableRandom(5);
    for (FpFormat f : FpFormat.values()) {
      LongSupplier operand = () -> randomOperand(random, f);
      for (int n = 0; n < 50_000; n++) {
        long a = operand.getAsLong(), b = operand.getAsLong(), c = operand.getAsLong();
        String what = f + " " + Long.toHexString(a) + " " + Long.toHexString(b);
        agree(exact, exact.add(a, b, f, RNE), fpu.add(a, b, f, RNE), "add " + what);
        agree(exact, exact.mul(a, b, f, RNE), fpu.mul(a, b, f, RNE), "mul " + what);
        agree(exact, exact.div(a, b, f, RNE), fpu.div(a, b, f, RNE), "div " + what);
        agree(exact, exact.sqrt(a, f, RNE), fpu.sqrt(a, f, RNE), "sqrt " + what);
        agree(exact, exact.fma(a, b, c, f, RNE), fpu.fma(a, b, c, f, RNE), "fma " + what);
        agree(exact, exact.fromInt(a, false, f, RNE), fpu.fromInt(a, false, f, RNE), "int " + what);
      }
    }
    for (int n = 0; n < 50_000; n++) {
      long a = randomOperand(random, D);
      agree(exact, exact.convert(a, D, S, RNE), fpu.doubleToSingle(a, RNE), Long.toHexString(a));
    }
  }

  private void agree(SoftFloat exact, long expected, long actual, String what) {
    int expectedFlags = exact.flags;
    exact.flags = 0;
    assertEquals(Long.toHexString(expected), Long.toHexString(actual), what);
    assertEquals(expectedFlags, fpu.takeFlags(), what + " flags");
  }

  /** Raw bits, values near 1, near both ends of the range, or with short significands. */
  private static long randomOperand(SplittableRandom r, FpFormat f) {
    int expBits = f == D ? 11 : 8;
    long sign = r.nextBoolean() ? f.sign : 0;
    long frac = r.nextLong() & f.fracMask;
    int e =
        switch (r.nextInt(6)) {
          case 0 -> r.nextInt(1 << expBits);
          case 1 -> f.bias - 30 + r.nextInt(60);
          case 2 -> r.nextInt(4);
          case 3 -> (1 << expBits) - 5 + r.nextInt(4);
          case 4 -> (f.bias >> 1) - 4 + r.nextInt(8); // products near the bottom of the range
          default -> {
            frac &= ~(f.fracMask >> 6);
            yield f.bias - 60 + r.nextInt(120);
          }
        };
    return sign | (long) e << (f.p - 1) | frac;
  }
}
