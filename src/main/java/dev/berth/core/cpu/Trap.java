package dev.berth.core.cpu;

/**
 * A synchronous exception raised while executing an instruction. Each hart owns one instance and
 * refills it, so raising a trap allocates nothing; it never leaves the hart.
 */
final class Trap extends RuntimeException {
  int cause;
  long tval;

  Trap() {
    super(null, null, false, false);
  }

  Trap set(int cause, long tval) {
    this.cause = cause;
    this.tval = tval;
    return this;
  }
}
