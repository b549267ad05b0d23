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
   * Nothing at {@link #va} can be translated (it starts with an instruction left to the
   * interpreter).
   */
  boolean empty;

  /** The next unit made from the same physical page. */
  Unit nextInPage;

  /** Guest instructions in the unit, the bytes they take, and the size of its class file. */
  int instructions;

  int length;

  int classBytes;

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
