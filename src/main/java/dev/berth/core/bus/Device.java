package dev.berth.core.bus;

/**
 * A memory-mapped device on the {@link Bus}. Offsets are relative to the device's base address;
 * sizes are 1, 2, 4 or 8 bytes. All calls come from the machine's worker thread.
 */
public interface Device {
  /** Reads {@code size} bytes at {@code offset}; throws {@link BusFault} if there is nothing. */
  long read(long offset, int size);

  /** Writes the low {@code size} bytes of {@code value} at {@code offset}. */
  void write(long offset, int size, long value);

  /** Returns the device to its power-on state (machine reset). */
  default void reset() {}
}
