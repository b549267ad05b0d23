package dev.berth.core.virtio;

import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * A virtio device behind a {@link VirtioMmio} transport: its type, features, queues and
 * configuration space, and what it does when the driver or the host has something for it. All calls
 * come from the machine's worker thread.
 */
public abstract class VirtioDevice {
  private final int deviceId;
  private final long features;
  private final int[] queueSizes;

  /** The configuration space the driver reads at 0x100; the device keeps it current. */
  final byte[] config;

  /** The transport carrying this device; set when the transport is built. */
  VirtioMmio transport;

  /**
   * @param deviceId the virtio device ID (2 block, 3 console, 18 input)
   * @param features device-specific feature bits; the transport adds VERSION_1 and INDIRECT_DESC
   * @param configSize bytes of configuration space
   * @param queueSizes the maximum size of each queue, one per queue
   */
  VirtioDevice(int deviceId, long features, int configSize, int... queueSizes) {
    this.deviceId = deviceId;
    this.features = features;
    this.config = new byte[configSize];
    this.queueSizes = queueSizes.clone();
  }

  public final int deviceId() {
    return deviceId;
  }

  final long features() {
    return features;
  }

  final int[] queueSizes() {
    return queueSizes;
  }

  /** The driver wrote the configuration space; most devices ignore it. */
  void writeConfig(int offset, int size, long value) {}

  /** The driver made buffers available on queue {@code queue}. */
  abstract void notify(int queue);

  /** Between slices: deliver what the host has queued. Called only while the driver runs it. */
  void pump() {}

  /** The driver reset the device (or the machine was reset): forget all driver state. */
  void reset() {}

  /** The machine is gone: release host resources. */
  public void close() {}

  /**
   * The device's part of a saved machine: its configuration space, and in subclasses whatever the
   * driver has told it. Host-side queues (keys typed, bytes sent) are not state: like QEMU's
   * character devices, they start empty.
   */
  void save(StateOut out) {
    out.bytes(config);
  }

  void restore(StateIn in) throws StateException {
    in.bytes(config);
  }
}
