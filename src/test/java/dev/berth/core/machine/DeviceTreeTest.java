package dev.berth.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Guests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated device tree is a valid DTB that describes every device of the board. */
class DeviceTreeTest {
  @TempDir Path tmp;

  private static byte[] tree() {
    MachineConfig config =
        new MachineConfig(
            "t", 256L << 20, Guests.image("hello"), null, "console=ttyS0 berth.power=ignore", null);
    return Board.deviceTree(config, 0x8800_0000L, 0x8810_0000L);
  }

  @Test
  void headerIsAVersion17Blob() {
    ByteBuffer b = ByteBuffer.wrap(tree());
    assertEquals(0xd00dfeed, b.getInt(0));
    assertEquals(b.capacity(), b.getInt(4));
    assertEquals(17, b.getInt(20));
    assertEquals(16, b.getInt(24));
  }

  @Test
  void dtcReadsItBackWithEveryDevice() throws Exception {
    Path dtc = Path.of("/usr/bin/dtc");
    if (!Files.isExecutable(dtc)) {
      throw new AssertionError("dtc is missing: .ci/run installs device-tree-compiler");
    }
    Path dtb = tmp.resolve("board.dtb");
    Files.write(dtb, tree());
    Process p =
        new ProcessBuilder(dtc.toString(), "-I", "dtb", "-O", "dts", dtb.toString())
            .redirectErrorStream(true)
            .start();
    // dtc prints some string lists as "a\0b": read both spellings the same.
    String dts =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .replace("\\0", "\", \"");
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), dts);
    for (String expected :
        new String[] {
          "bootargs = \"console=ttyS0 berth.power=ignore\"",
          "stdout-path = \"/soc/serial@10000000\"",
          "linux,initrd-start = <0x00 0x88000000>",
          "memory@80000000",
          "reg = <0x00 0x80000000 0x00 0x10000000>",
          "timebase-frequency = <0x989680>",
          "riscv,isa = \"rv64imafdc_zicsr_zifencei\"",
          "mmu-type = \"riscv,sv39\"",
          "compatible = \"riscv,cpu-intc\"",
          "compatible = \"berth,pm1\"",
          "pm@102000",
          "interrupts = <0x0c>",
          "compatible = \"ns16550a\"",
          "interrupts = <0x0a>",
          "compatible = \"sifive,plic-1.0.0\", \"riscv,plic0\"",
          "riscv,ndev = <0x3f>",
          "interrupts-extended = <0x01 0x0b 0x01 0x09>",
          "compatible = \"sifive,clint0\", \"riscv,clint0\"",
          "compatible = \"sifive,test1\", \"sifive,test0\", \"syscon\"",
          "compatible = \"syscon-reboot\"",
          "compatible = \"simple-framebuffer\"",
          "compatible = \"google,goldfish-rtc\"",
          "rtc@101000",
          "interrupts = <0x0b>",
          "reg = <0x00 0x28000000 0x00 0x300000>",
          "width = <0x400>",
          "height = <0x300>",
          "stride = <0x1000>",
          "format = \"x8r8g8b8\"",
          "virtio_mmio@10001000",
          "reg = <0x00 0x10001000 0x00 0x1000>",
          "interrupts = <0x01>",
          "virtio_mmio@10008000",
          "interrupts = <0x08>",
          "compatible = \"virtio,mmio\"",
        }) {
      assertTrue(dts.contains(expected), "missing " + expected + " in\n" + dts);
    }
    assertTrue(
        dts.indexOf("virtio_mmio@10008000") < dts.indexOf("virtio_mmio@10001000"),
        "virtio slots are listed from the top, as QEMU lists them");
  }

  @Test
  void placedLikeQemu() {
    assertEquals(0x87e0_0000L, Board.fdtAddress(128L << 20, 4096));
    assertEquals(0x8400_0000L, Board.initrdAddress(0x8000_0000L, 128L << 20));
    assertEquals(0x8800_0000L, Board.initrdAddress(0x8000_0000L, 1L << 30));
  }
}
