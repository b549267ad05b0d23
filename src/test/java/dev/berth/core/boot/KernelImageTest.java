package dev.berth.core.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.TestElf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Crafted images: every one is refused with one line naming the file, never an exception. */
class KernelImageTest {
  @TempDir Path dir;

  private static byte[] elf() {
    return TestElf.riscv(0x8000_0000L, 0x0000_0013);
  }

  private static String refusal(byte[] image) {
    ImageException e =
        assertThrows(ImageException.class, () -> KernelImage.parse(new ImageSource("k", image), 0));
    assertTrue(e.getMessage().startsWith("k: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aProgramHeaderOffsetThatOverflowsIsDamage() {
    byte[] b = elf();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(32, Long.MAX_VALUE - 8);
    assertTrue(refusal(b).contains("program headers"));
  }

  @Test
  void aSegmentOffsetThatOverflowsIsDamage() {
    byte[] b = elf();
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    h.putLong(64 + 8, Long.MAX_VALUE); // p_offset
    assertTrue(refusal(b).contains("segment 0"));
    h.putLong(64 + 8, 120).putLong(64 + 32, Long.MAX_VALUE - 100); // p_filesz
    assertTrue(refusal(b).contains("segment 0"));
  }

  @Test
  void aValidElfStillLoads() throws Exception {
    KernelImage k = KernelImage.parse(new ImageSource("k", elf()), 0);
    assertEquals(0x8000_0000L, k.entry());
    assertEquals(4, k.segments().get(0).data().length);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void devicesAndFifosAreRefusedWithoutReadingThem() throws Exception {
    for (String device : new String[] {"/dev/zero", "/dev/null"}) {
      ImageException e =
          assertThrows(ImageException.class, () -> ImageSource.fromPath(Path.of(device), 1 << 20));
      assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    ImageException e =
        assertThrows(ImageException.class, () -> ImageSource.fromPath(fifo, 1 << 20));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void anImageLargerThanTheGuestsMemoryIsRefusedBeforeItIsRead() throws Exception {
    Path big = dir.resolve("big");
    try (var ch =
        java.nio.channels.FileChannel.open(
            big,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(0).position((8L << 30) - 1).write(ByteBuffer.wrap(new byte[1])); // sparse 8 GiB
    }
    ImageException e =
        assertThrows(ImageException.class, () -> ImageSource.fromPath(big, 128L << 20));
    assertTrue(e.getMessage().contains("larger than the guest's memory"), e.getMessage());
    Path link = dir.resolve("link");
    Files.write(dir.resolve("small"), elf());
    Files.createSymbolicLink(link, dir.resolve("small"));
    assertEquals(elf().length, ImageSource.fromPath(link, 1 << 20).bytes().length);
  }
}
