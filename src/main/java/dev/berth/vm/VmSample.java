package dev.berth.vm;

/**
 * One second of a running VM, measured by its session off the UI thread: what the Overview's graphs
 * draw. A figure the backend cannot tell is NaN (or -1 for memory).
 *
 * @param tMillis when, in milliseconds since the epoch
 * @param guestCpu the share of the second the guest's CPU was busy, in percent (not idle in WFI or
 *     HLT), or NaN
 * @param hostCpu the host CPU the emulator used for this VM, in percent of one host CPU
 * @param memoryBytes the host memory the emulator holds for the VM (QEMU's resident set), or -1
 * @param consoleBytesPerSecond what the guest printed on its serial console
 * @param diskBytesPerSecond what the guest read from and wrote to its disks (QEMU's block
 *     statistics, the bundled core's virtio-blk counts), or NaN (none, or not measured)
 */
public record VmSample(
    long tMillis,
    double guestCpu,
    double hostCpu,
    long memoryBytes,
    double consoleBytesPerSecond,
    double diskBytesPerSecond) {}
