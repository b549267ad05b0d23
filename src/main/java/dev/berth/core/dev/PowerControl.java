package dev.berth.core.dev;

/**
 * What a device may ask of the machine. Each call posts a request that the machine's main loop acts
 * on after the current instruction, never in the middle of it.
 */
public interface PowerControl {
  /** Soft off: a shutdown request with cause guest-shutdown. */
  void guestPowerOff();

  /** Reset request with cause guest-reset. */
  void guestReset();

  /** The guest enters S3 (suspend to RAM). */
  void guestSuspend();

  /** The guest ends the machine with a failure code (sifive_test's FAIL). */
  void guestFailure(int code);
}
