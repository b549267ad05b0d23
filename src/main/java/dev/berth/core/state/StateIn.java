package dev.berth.core.state;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads what {@link StateOut} wrote, checking as it goes: a section out of turn, an array of
 * another length or a value out of range is a {@link StateException}, never an index error.
 */
public final class StateIn {
  private static final int PAGE = 4096;

  private final DataInputStream in;

  StateIn(DataInputStream in) {
    this.in = in;
  }

  /** Requires the next section to be {@code part}'s. */
  public StateIn begin(String part) throws StateException {
    String found;
    try {
      found = in.readUTF();
    } catch (IOException e) {
      throw broken(e);
    }
    if (!found.equals(part)) {
      throw new StateException(
          "the saved state does not fit this machine (found " + found + " where " + part + " was)");
    }
    return this;
  }

  public int i32() throws StateException {
    try {
      return in.readInt();
    } catch (IOException e) {
      throw broken(e);
    }
  }

  /** An int in [min, max]: indices and sizes are checked before anyone uses them. */
  public int i32(int min, int max) throws StateException {
    int v = i32();
    if (v < min || v > max) {
      throw new StateException("the saved state is damaged (" + v + " is out of range)");
    }
    return v;
  }

  public long i64() throws StateException {
    try {
      return in.readLong();
    } catch (IOException e) {
      throw broken(e);
    }
  }

  public boolean bool() throws StateException {
    return i32(0, 1) == 1;
  }

  /** Fills {@code into}, which must have the length that was saved. */
  public void ints(int[] into) throws StateException {
    length(into.length);
    for (int i = 0; i < into.length; i++) {
      into[i] = i32();
    }
  }

  public void longs(long[] into) throws StateException {
    length(into.length);
    for (int i = 0; i < into.length; i++) {
      into[i] = i64();
    }
  }

  /** Fills {@code into[off, off+len)}, which must be as long as what was saved. */
  public void bytes(byte[] into, int off, int len) throws StateException {
    length(len);
    try {
      in.readFully(into, off, len);
    } catch (IOException e) {
      throw broken(e);
    }
  }

  public void bytes(byte[] into) throws StateException {
    bytes(into, 0, into.length);
  }

  /** Up to {@code max} bytes, as many as were saved. */
  public byte[] bytes(int max) throws StateException {
    byte[] b = new byte[i32(0, max)];
    try {
      in.readFully(b);
    } catch (IOException e) {
      throw broken(e);
    }
    return b;
  }

  /** Guest memory as {@link StateOut#memory} wrote it; pages it left out are zero. */
  public void memory(byte[] ram) throws StateException {
    length(ram.length);
    java.util.Arrays.fill(ram, (byte) 0);
    int pages = (ram.length + PAGE - 1) / PAGE;
    int last = -1;
    while (true) {
      int page = i32(-1, pages - 1);
      if (page < 0) {
        return;
      }
      if (page <= last) {
        throw new StateException("the saved state is damaged (memory pages out of order)");
      }
      last = page;
      int off = page * PAGE;
      try {
        in.readFully(ram, off, Math.min(PAGE, ram.length - off));
      } catch (IOException e) {
        throw broken(e);
      }
    }
  }

  private void length(int expected) throws StateException {
    int n = i32();
    if (n != expected) {
      throw new StateException(
          "the saved state does not fit this machine (a part of " + n + " where " + expected + ")");
    }
  }

  private static StateException broken(IOException e) {
    return e instanceof EOFException
        ? new StateException("the saved state is cut short", e)
        : new StateException("cannot read the saved state: " + e.getMessage(), e);
  }
}
