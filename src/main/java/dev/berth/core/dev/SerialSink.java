package dev.berth.core.dev;

/** Where a serial port's output goes. Called on the machine's worker thread, in batches. */
@FunctionalInterface
public interface SerialSink {
  void write(byte[] data, int off, int len);
}
