package dev.berth.core.machine;

import dev.berth.core.boot.ImageSource;
import java.nio.file.Path;
import java.util.List;

/**
 * What to build and boot: RAM size, the kernel (an ELF or a Linux Image), and optionally an initrd,
 * a kernel command line and firmware. {@code bios == null} is QEMU's {@code -bios none}: the kernel
 * itself starts in M-mode. The virtio devices: disks (raw image files), the guest-agent channel (a
 * virtio console with the port {@code org.qemu.guest_agent.0}) and a keyboard; the agent channel
 * and the keyboard are there unless turned off.
 */
public record MachineConfig(
    String name,
    long memoryBytes,
    ImageSource kernel,
    ImageSource initrd,
    String append,
    ImageSource bios,
    List<Drive> drives,
    boolean agentChannel,
    boolean keyboard) {

  /** A disk: a raw image file, attached read-write unless {@code readOnly}. */
  public record Drive(Path image, boolean readOnly) {
    /** Disks are read and written in whole sectors of this size. */
    public static final int SECTOR = dev.berth.io.DiskImages.SECTOR;

    /** What makes {@code image} unusable as a raw disk, in words for a user, or null. */
    public static String problem(Path image) {
      return dev.berth.io.DiskImages.rawProblem(image);
    }
  }

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
    drives = drives == null ? List.of() : List.copyOf(drives);
    int slots = Board.VIRTIO_SLOTS - (agentChannel ? 1 : 0) - (keyboard ? 1 : 0);
    if (drives.size() > slots) {
      throw new IllegalArgumentException("at most " + slots + " disks fit on the board");
    }
  }

  public MachineConfig(
      String name,
      long memoryBytes,
      ImageSource kernel,
      ImageSource initrd,
      String append,
      ImageSource bios) {
    this(name, memoryBytes, kernel, initrd, append, bios, List.of(), true, true);
  }

  public MachineConfig withDrives(List<Drive> newDrives) {
    return new MachineConfig(
        name, memoryBytes, kernel, initrd, append, bios, newDrives, agentChannel, keyboard);
  }

  public MachineConfig withAgentChannel(boolean on) {
    return new MachineConfig(name, memoryBytes, kernel, initrd, append, bios, drives, on, keyboard);
  }

  public MachineConfig withKeyboard(boolean on) {
    return new MachineConfig(
        name, memoryBytes, kernel, initrd, append, bios, drives, agentChannel, on);
  }

  public static MachineConfig of(String name, ImageSource kernel) {
    return new MachineConfig(name, DEFAULT_MEMORY, kernel, null, "", null);
  }
}
