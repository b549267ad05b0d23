package dev.berth.core.machine;

import dev.berth.core.boot.ImageSource;

/**
 * What to build and boot: RAM size, the kernel (an ELF or a Linux Image), and optionally an initrd,
 * a kernel command line and firmware. {@code bios == null} is QEMU's {@code -bios none}: the kernel
 * itself starts in M-mode.
 */
public record MachineConfig(
    String name,
    long memoryBytes,
    ImageSource kernel,
    ImageSource initrd,
    String append,
    ImageSource bios) {

  public static final long DEFAULT_MEMORY = 128L << 20;
  public static final long MIN_MEMORY = 4L << 20;

  /** Java arrays bound guest RAM: the largest whole number of MiB an array can hold. */
  public static final long MAX_MEMORY = 2047L << 20;

  public MachineConfig {
    if (memoryBytes < MIN_MEMORY || memoryBytes > MAX_MEMORY) {
      throw new IllegalArgumentException(
          "memory must be between "
              + (MIN_MEMORY >> 20)
              + " MiB and "
              + (MAX_MEMORY >> 20)
              + " MiB");
    }
    if (kernel == null) {
      throw new IllegalArgumentException("a kernel image is required");
    }
    append = append == null ? "" : append;
  }

  public static MachineConfig of(String name, ImageSource kernel) {
    return new MachineConfig(name, DEFAULT_MEMORY, kernel, null, "", null);
  }
}
