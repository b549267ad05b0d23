package dev.berth.core.bus;

/**
 * Thrown by the bus when an access cannot complete. The CPU turns it into an access-fault or
 * address-misaligned trap; it never leaves the core. Two shared instances, no stack trace: a fault
 * costs no allocation.
 */
public final class BusFault extends RuntimeException {
  /** Nothing answers at that address. */
  public static final BusFault UNMAPPED = new BusFault("unmapped");

  /** A device register accessed at an address not aligned to the access size. */
  public static final BusFault MISALIGNED = new BusFault("misaligned");

  private BusFault(String what) {
    super(what, null, false, false);
  }
}
