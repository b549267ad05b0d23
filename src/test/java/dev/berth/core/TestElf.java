package dev.berth.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes minimal ELF64 executables with one PT_LOAD segment, for tests of the loader. */
public final class TestElf {
  private TestElf() {}

  public static final int EM_RISCV = 243;
  public static final int EM_X86_64 = 62;

  public static byte[] build(int machine, long vaddr, byte[] code) {
    int phoff = 64;
    int dataOff = phoff + 56;
    ByteBuffer b = ByteBuffer.allocate(dataOff + code.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.position(16);
    b.putShort((short) 2).putShort((short) machine).putInt(1);
    b.putLong(vaddr).putLong(phoff).putLong(0);
    b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1);
    b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
    b.putInt(1).putInt(7).putLong(dataOff).putLong(vaddr).putLong(vaddr);
    b.putLong(code.length).putLong(code.length).putLong(0x1000);
    b.put(code);
    return b.array();
  }

  public static byte[] riscv(long vaddr, int... words) {
    ByteBuffer code = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int w : words) {
      code.putInt(w);
    }
    return build(EM_RISCV, vaddr, code.array());
  }
}
