package dev.berth.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compressed encodings expand to the 32-bit instructions GNU as emits for the same mnemonic. */
class CompressedTest {
  @ParameterizedTest(name = "{2}")
  @CsvSource({
    "1141, ff010113, c.addi sp sp -16",
    "4501, 00000513, c.li a0 0",
    "8082, 00008067, c.jr ra (ret)",
    "852e, 00b00533, c.mv a0 a1",
    "e406, 00113423, c.sdsp ra 8(sp)",
    "60a2, 00813083, c.ldsp ra 8(sp)",
    "0000, 00000000, all zero is illegal",
    "0001, 00000013, c.nop",
    "9002, 00100073, c.ebreak",
    "8d0d, 40b50533, c.sub a0 a1",
    "9d2d, 00b5053b, c.addw a0 a1",
    "0800, 01010413, c.addi4spn s0 sp 16",
    "6105, 02010113, c.addi16sp sp 32",
    "6785, 000017b7, c.lui a5 1",
    "c11c, 00f52023, c.sw a5 0(a0)",
    "4108, 00052503, c.lw a0 0(a0)",
    "0506, 00151513, c.slli a0 1",
    "8105, 00155513, c.srli a0 1",
    "8505, 40155513, c.srai a0 1",
    "897d, 01f57513, c.andi a0 31",
    "2505, 0015051b, c.addiw a0 1",
    "9502, 000500e7, c.jalr a0",
    "a001, 0000006f, c.j 0",
    "c501, 00050463, c.beqz a0 8",
    "e501, 00051463, c.bnez a0 8",
    "6000, 00043403, c.ld s0 0(s0)",
    "2380, 0007b407, c.fld fs0 0(a5)",
    "a380, 0087b027, c.fsd fs0 0(a5)",
    "34a2, 02813487, c.fldsp fs1 40(sp)",
    "a422, 00813427, c.fsdsp fs0 8(sp)",
  })
  void expandsLikeTheAssembler(String c, String expected, String what) {
    int bits = Integer.parseInt(c, 16);
    int want = Integer.parseUnsignedInt(expected, 16);
    assertEquals(Integer.toHexString(want), Integer.toHexString(Compressed.expand(bits)), what);
  }
}
