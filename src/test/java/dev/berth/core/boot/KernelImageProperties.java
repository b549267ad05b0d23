package dev.berth.core.boot;

import dev.berth.Fuzz;
import dev.berth.Gen;
import dev.berth.core.TestElf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The loader on hostile bytes: a valid ELF with random header fields overwritten, and random bytes
 * after a plausible magic. Parsing either succeeds with segments inside the file or fails with an
 * {@link ImageException}; nothing else may escape.
 */
class KernelImageProperties {
  /** Header and program-header fields the parser reads, with their widths. */
  private static final int[][] FIELDS = {
    {16, 2}, {18, 2}, {24, 8}, {32, 8}, {54, 2}, {56, 2},
    {64, 4}, {64 + 8, 8}, {64 + 16, 8}, {64 + 24, 8}, {64 + 32, 8}, {64 + 40, 8}
  };

  private static final List<Long> EDGES =
      List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 56L, 64L, 120L, 0xffffL);

  /** Any long, an edge value, or a small one. */
  private static long fieldValue(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> r.nextLong();
      case 1 -> Gen.pick(r, EDGES);
      default -> Gen.between(r, 0, 256);
    };
  }

  /** A valid ELF with one to three fields overwritten, starting at a random one. */
  static byte[] mutatedElf(Random r) {
    int f = Gen.between(r, 0, FIELDS.length - 1);
    List<Long> vs = Gen.listOf(r, 1, 3, KernelImageProperties::fieldValue);
    byte[] b = TestElf.riscv(0x8000_0000L, 0x13, 0x13, 0x13);
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < vs.size(); i++) {
      int[] field = FIELDS[(f + i * 5) % FIELDS.length];
      long v = vs.get(i);
      switch (field[1]) {
        case 2 -> h.putShort(field[0], (short) v);
        case 4 -> h.putInt(field[0], (int) v);
        default -> h.putLong(field[0], v);
      }
    }
    return b;
  }

  /** Up to 512 random bytes, behind a 64-bit little-endian ELF magic when there is room. */
  static byte[] randomElf(Random r) {
    byte[] b = Gen.bytes(r, 512);
    if (b.length >= 6) {
      b[0] = 0x7f;
      b[1] = 'E';
      b[2] = 'L';
      b[3] = 'F';
      b[4] = 2;
      b[5] = 1;
    }
    return b;
  }

  @Test
  void aMutatedElfParsesOrIsRefused() {
    Fuzz.check(
        "aMutatedElfParsesOrIsRefused",
        Fuzz.TRIES,
        KernelImageProperties::mutatedElf,
        KernelImageProperties::parsesOrIsRefused);
  }

  @Test
  void randomBytesBehindAnElfMagicParseOrAreRefused() {
    Fuzz.check(
        "randomBytesBehindAnElfMagicParseOrAreRefused",
        Fuzz.TRIES,
        KernelImageProperties::randomElf,
        KernelImageProperties::parsesOrIsRefused);
  }

  private static void parsesOrIsRefused(byte[] image) {
    try {
      KernelImage k = KernelImage.parse(new ImageSource("fuzz", image), 0x8000_0000L);
      for (Segment s : k.segments()) {
        if (s.data().length > image.length || s.zeros() < 0) {
          throw new AssertionError("segment larger than the file: " + s);
        }
      }
    } catch (ImageException e) {
      if (!e.getMessage().startsWith("fuzz: ")) {
        throw new AssertionError("message does not name the file: " + e.getMessage());
      }
    }
  }
}
