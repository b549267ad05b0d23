package dev.berth.core.cpu;

/**
 * A translated unit: the guest instructions from {@link #va} on, within one page, as one JVM method
 * (a hidden class made by {@link Translator}). {@link #run} executes them and returns the next pc,
 * with the hart's registers and instret up to date; a trap inside leaves pc, registers and instret
 * at the trapping instruction, as the interpreter would, and propagates.
 */
abstract class Unit {
  /** Virtual and physical address of the first instruction. */
  long va;

  long pa;

  /** The privilege the unit was last looked up in (what the jump cache checks). */
  int priv;

  /** Cleared when the code it was made from is written, or the code cache is flushed. */
  boolean valid = true;

  /**
   * No code: it starts with an instruction left to the interpreter, or ({@link #pending}) its
   * translation is still being made; the interpreter runs it meanwhile.
   */
  boolean empty;

  boolean pending;

  /** The next unit made from the same physical page, and in the same hash chain. */
  Unit nextInPage;

  Unit nextInHash;

  /** Guest instructions in the unit, the bytes they take, and the size of its class file. */
  int instructions;

  int length;

  int classBytes;

  /** The unit ends by going on to the instruction after its last (it was cut for its length). */
  boolean fallsThrough;

  abstract long run(Hart h);

  /** What a pc that cannot be translated gets, so it is not looked at again. */
  static final class Empty extends Unit {
    Empty() {
      empty = true;
    }

    @Override
    long run(Hart h) {
      throw new IllegalStateException("an empty unit is never run");
    }
  }
}
