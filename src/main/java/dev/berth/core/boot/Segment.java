package dev.berth.core.boot;

/** Bytes to place in guest memory at {@code address}, followed by {@code zeros} zero bytes. */
public record Segment(long address, byte[] data, long zeros) {
  public long end() {
    return address + data.length + zeros;
  }
}
