package dev.berth.backend.bundled;

/**
 * A guest shipped inside Berth, by class-path resource: the kernel (gzip-compressed if its name
 * ends in {@code .gz}), and for a Linux guest its initramfs, firmware, kernel command line and the
 * blank data disk every VM of it gets a copy of. Null fields: the guest has no such part. {@code
 * minimum}: the least memory it boots with, or null for the core's own minimum.
 */
record BundledGuest(
    String kernel,
    String initrd,
    String bios,
    String append,
    String blankDisk,
    dev.berth.vm.SpecValidator.GuestMinimum minimum) {
  static BundledGuest program(String kernel) {
    return new BundledGuest(kernel, null, null, "", null, null);
  }
}
