package dev.berth.core.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel or firmware image parsed for loading: a RISC-V 64-bit ELF executable (loaded by its
 * program headers) or a raw RISC-V Linux {@code Image} (loaded at a given address).
 */
public record KernelImage(String name, long entry, List<Segment> segments) {
  private static final int EM_RISCV = 243;
  private static final int PT_LOAD = 1;
  private static final int RISCV_IMAGE_MAGIC2 = 0x05435352; // "RSC\x05" at offset 0x38

  public static boolean isElf(byte[] b) {
    return b.length >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
  }

  public static boolean isLinuxImage(byte[] b) {
    return b.length >= 64
        && ByteBuffer.wrap(b, 0x38, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()
            == RISCV_IMAGE_MAGIC2;
  }

  /**
   * Parses {@code src}: an ELF is placed by its headers; a Linux Image at {@code rawBase}. Anything
   * else is rejected with a message naming the file.
   */
  public static KernelImage parse(ImageSource src, long rawBase) throws ImageException {
    byte[] b = src.bytes();
    if (isElf(b)) {
      return parseElf(src);
    }
    if (isLinuxImage(b)) {
      // As QEMU does: at the kernel start address itself. (The header's text_offset, 2 MiB on
      // RV64, counts from the start of RAM, which is where that address already is.)
      return new KernelImage(src.name(), rawBase, List.of(new Segment(rawBase, b, 0)));
    }
    throw new ImageException(src.name() + ": not an ELF file or a RISC-V Linux Image");
  }

  /** Raw firmware (an OpenSBI {@code .bin}): the bytes as they are, at {@code base}. */
  public static KernelImage raw(ImageSource src, long base) {
    return new KernelImage(src.name(), base, List.of(new Segment(base, src.bytes(), 0)));
  }

  private static KernelImage parseElf(ImageSource src) throws ImageException {
    byte[] b = src.bytes();
    String name = src.name();
    if (b.length < 64) {
      throw new ImageException(name + ": truncated ELF header");
    }
    if (b[4] != 2) {
      throw new ImageException(name + ": a 32-bit ELF file; Berth runs 64-bit RISC-V programs");
    }
    if (b[5] != 1) {
      throw new ImageException(name + ": a big-endian ELF file; RISC-V is little-endian");
    }
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int type = h.getShort(16) & 0xffff;
    int machine = h.getShort(18) & 0xffff;
    if (machine != EM_RISCV) {
      throw new ImageException(
          name + ": built for another architecture (ELF machine " + machine + "), not RISC-V");
    }
    if (type != 2) {
      throw new ImageException(name + ": not an executable ELF file (type " + type + ")");
    }
    long entry = h.getLong(24);
    long phoff = h.getLong(32);
    int phentsize = h.getShort(54) & 0xffff;
    int phnum = h.getShort(56) & 0xffff;
    // Each bound is checked by subtraction: a crafted offset near 2^63 must not wrap around.
    if (phnum == 0
        || phentsize < 56
        || phoff < 0
        || phoff > b.length
        || (long) phnum * phentsize > b.length - phoff) {
      throw new ImageException(name + ": damaged ELF program headers");
    }
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < phnum; i++) {
      int p = (int) (phoff + (long) i * phentsize);
      if (h.getInt(p) != PT_LOAD) {
        continue;
      }
      long offset = h.getLong(p + 8);
      long paddr = h.getLong(p + 24);
      long filesz = h.getLong(p + 32);
      long memsz = h.getLong(p + 40);
      if (offset < 0
          || filesz < 0
          || memsz < filesz
          || offset > b.length
          || filesz > b.length - offset) {
        throw new ImageException(name + ": damaged ELF segment " + i + " (runs past the file end)");
      }
      byte[] data = new byte[(int) filesz];
      System.arraycopy(b, (int) offset, data, 0, data.length);
      segments.add(new Segment(paddr, data, memsz - filesz));
    }
    if (segments.isEmpty()) {
      throw new ImageException(name + ": no loadable segments");
    }
    return new KernelImage(name, entry, List.copyOf(segments));
  }
}
