package dev.berth.core.cpu;

/** The platform timer the {@code time} CSR reads (the CLINT's mtime on the Berth board). */
@FunctionalInterface
public interface TimeSource {
  long now();
}
