package dev.berth.core.machine;

import dev.berth.core.boot.Fdt;
import dev.berth.core.dev.Clint;
import dev.berth.core.dev.GoldfishRtc;
import dev.berth.core.dev.Plic;
import dev.berth.core.dev.PowerManagement;
import dev.berth.core.dev.SifiveTest;
import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.core.dev.Uart16550;
import dev.berth.core.dev.VirtualClock;
import dev.berth.core.virtio.VirtioMmio;

/**
 * The Berth board's memory map (QEMU virt's where they overlap; see docs/BOARD.md) and the device
 * tree that describes it to the guest.
 */
public final class Board {
  private Board() {}

  public static final long TEST_BASE = 0x0010_0000L;
  public static final long RTC_BASE = 0x0010_1000L;
  public static final long PM_BASE = 0x0010_2000L;
  public static final long CLINT_BASE = 0x0200_0000L;
  public static final long PLIC_BASE = 0x0C00_0000L;
  public static final long UART_BASE = 0x1000_0000L;
  public static final long FB_BASE = 0x2800_0000L;
  public static final long RAM_BASE = 0x8000_0000L;
  public static final int UART_IRQ = 10;
  public static final int RTC_IRQ = 11;
  public static final int PM_IRQ = 12;

  /** virtio-mmio slot {@code i} (0–7) is at VIRTIO_BASE + i * 0x1000 on PLIC source 1 + i. */
  public static final long VIRTIO_BASE = 0x1000_1000L;

  public static final int VIRTIO_SLOTS = 8;
  public static final int VIRTIO_IRQ = 1;

  public static long virtioBase(int slot) {
    return VIRTIO_BASE + slot * VirtioMmio.SIZE;
  }

  /** Where a kernel goes when firmware occupies the start of RAM (OpenSBI's FW_JUMP_ADDR). */
  public static final long KERNEL_BASE_WITH_FIRMWARE = RAM_BASE + 0x20_0000L;

  private static final int CPU_INTC = 1, PLIC_PHANDLE = 2, TEST_PHANDLE = 3;

  /** The device tree goes at the top of RAM, aligned down to 2 MiB, as QEMU places it. */
  static long fdtAddress(long memoryBytes, int fdtSize) {
    long top = RAM_BASE + Math.min(memoryBytes, 3072L << 20);
    return (top - fdtSize) & ~((2L << 20) - 1);
  }

  /** The initrd goes halfway into RAM, or 128 MiB in on large machines, as QEMU places it. */
  static long initrdAddress(long kernelEntry, long memoryBytes) {
    return (kernelEntry + Math.min(memoryBytes / 2, 128L << 20) + 0xfff) & ~0xfffL;
  }

  static byte[] deviceTree(MachineConfig config, long initrdStart, long initrdEnd) {
    Fdt t = new Fdt();
    t.begin("").u32("#address-cells", 2).u32("#size-cells", 2);
    t.string("compatible", "berth,board").string("model", "Berth RISC-V board");

    t.begin("chosen").string("bootargs", config.append());
    t.string("stdout-path", "/soc/serial@10000000");
    if (initrdEnd > initrdStart) {
      t.u64("linux,initrd-start", initrdStart).u64("linux,initrd-end", initrdEnd);
    }
    t.end();

    t.begin("memory@80000000").string("device_type", "memory");
    t.reg(RAM_BASE, config.memoryBytes()).end();

    t.begin("cpus").u32("#address-cells", 1).u32("#size-cells", 0);
    t.u32("timebase-frequency", (int) VirtualClock.FREQUENCY_HZ);
    t.begin("cpu@0").string("device_type", "cpu").u32("reg", 0).string("status", "okay");
    t.string("compatible", "riscv").string("riscv,isa", "rv64imafdc_zicsr_zifencei");
    t.string("mmu-type", "riscv,sv39");
    t.begin("interrupt-controller").u32("#interrupt-cells", 1).u32("#address-cells", 0);
    t.empty("interrupt-controller");
    t.string("compatible", "riscv,cpu-intc").u32("phandle", CPU_INTC).end();
    t.end().end();

    t.begin("soc").u32("#address-cells", 2).u32("#size-cells", 2);
    t.string("compatible", "simple-bus").empty("ranges");

    t.begin("test@100000").string("compatible", "sifive,test1", "sifive,test0", "syscon");
    t.reg(TEST_BASE, SifiveTest.SIZE).u32("phandle", TEST_PHANDLE).end();

    t.begin("rtc@101000")
        .string("compatible", "google,goldfish-rtc")
        .reg(RTC_BASE, GoldfishRtc.SIZE);
    t.u32("interrupt-parent", PLIC_PHANDLE).u32("interrupts", RTC_IRQ).end();

    t.begin("pm@102000").string("compatible", "berth,pm1").reg(PM_BASE, PowerManagement.SIZE);
    t.u32("interrupt-parent", PLIC_PHANDLE).u32("interrupts", PM_IRQ).end();

    t.begin("clint@2000000").string("compatible", "sifive,clint0", "riscv,clint0");
    t.reg(CLINT_BASE, Clint.SIZE).u32("interrupts-extended", CPU_INTC, 3, CPU_INTC, 7).end();

    t.begin("plic@c000000").string("compatible", "sifive,plic-1.0.0", "riscv,plic0");
    t.reg(PLIC_BASE, Plic.SIZE).u32("#interrupt-cells", 1).u32("#address-cells", 0);
    t.empty("interrupt-controller").u32("riscv,ndev", Plic.SOURCES - 1);
    t.u32("interrupts-extended", CPU_INTC, 11, CPU_INTC, 9).u32("phandle", PLIC_PHANDLE).end();

    t.begin("serial@10000000").string("compatible", "ns16550a").reg(UART_BASE, Uart16550.SIZE);
    t.u32("clock-frequency", 3686400).u32("interrupt-parent", PLIC_PHANDLE);
    t.u32("interrupts", UART_IRQ).end();

    // QEMU lists the slots from the top; Linux probes them in this order.
    for (int slot = VIRTIO_SLOTS - 1; slot >= 0; slot--) {
      t.begin(String.format("virtio_mmio@%x", virtioBase(slot)));
      t.u32("interrupts", VIRTIO_IRQ + slot).u32("interrupt-parent", PLIC_PHANDLE);
      t.reg(virtioBase(slot), VirtioMmio.SIZE).string("compatible", "virtio,mmio").end();
    }

    t.begin("framebuffer@28000000").string("compatible", "simple-framebuffer");
    t.reg(FB_BASE, SimpleFramebuffer.SIZE).u32("width", SimpleFramebuffer.WIDTH);
    t.u32("height", SimpleFramebuffer.HEIGHT).u32("stride", SimpleFramebuffer.STRIDE);
    t.string("format", SimpleFramebuffer.FORMAT).end();
    t.end();

    t.begin("reboot").string("compatible", "syscon-reboot").u32("regmap", TEST_PHANDLE);
    t.u32("offset", 0).u32("value", 0x7777).end();
    t.end();
    return t.finish();
  }
}
