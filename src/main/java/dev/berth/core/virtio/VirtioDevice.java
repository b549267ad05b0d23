package dev.berth.core.virtio;

/**
 * A virtio device behind a {@link VirtioMmio} transport: its type, features, queues and
 * configuration space. All calls come from the machine's worker thread.
 */
public interface VirtioDevice {
  /** The virtio device ID (2 block, 3 console, 18 input). */
  int deviceId();

  /** Device-specific feature bits; the transport adds VERSION_1 and INDIRECT_DESC. */
  long features();

  /** Maximum size of each queue; the array's length is the number of queues. */
  int[] queueSizes();

  /** Called once, before anything else, with the transport that carries this device. */
  void attach(VirtioMmio transport);

  /** The configuration space the driver reads at 0x100; the device keeps it current. */
  byte[] config();

  /** The driver wrote the configuration space; most devices ignore it. */
  default void writeConfig(int offset, int size, long value) {}

  /** The driver made buffers available on queue {@code queue}. */
  void notify(int queue);

  /** Between slices: deliver what the host has queued. Called only while the driver runs it. */
  default void pump() {}

  /** The driver reset the device (or the machine was reset): forget all driver state. */
  default void reset() {}

  /** The machine is gone: release host resources. */
  default void close() {}
}
