package dev.berth.core.virtio;

/**
 * The driver broke the virtqueue rules (a buffer outside RAM, a descriptor loop, a chain longer
 * than the queue). The transport catches it, sets DEVICE_NEEDS_RESET and stops using the device
 * until the driver resets it, as the virtio spec allows.
 */
final class BadRingException extends RuntimeException {
  BadRingException(String message) {
    super(message, null, false, false);
  }
}
