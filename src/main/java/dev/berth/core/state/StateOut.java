package dev.berth.core.state;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where the parts of a machine write their state: tagged sections of fixed-width little fields, in
 * the order the parts are restored. I/O errors surface as {@link UncheckedIOException} so that
 * {@link Saveable#save} stays free of checked exceptions; {@link StateFile} turns them back.
 */
public final class StateOut {
  private static final int PAGE = 4096;

  private final DataOutputStream out;
  private final java.util.function.BooleanSupplier abandoned;
  private final java.util.function.DoubleConsumer progress;

  StateOut(
      DataOutputStream out,
      java.util.function.BooleanSupplier abandoned,
      java.util.function.DoubleConsumer progress) {
    this.out = out;
    this.abandoned = abandoned;
    this.progress = progress;
  }

  /**
   * Starts a part's section: restoring checks the name, so parts can never be taken out of turn.
   */
  public StateOut begin(String part) {
    try {
      out.writeUTF(part);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public StateOut i32(int v) {
    try {
      out.writeInt(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public StateOut i64(long v) {
    try {
      out.writeLong(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public StateOut bool(boolean v) {
    return i32(v ? 1 : 0);
  }

  public StateOut ints(int[] v) {
    i32(v.length);
    for (int x : v) {
      i32(x);
    }
    return this;
  }

  public StateOut longs(long[] v) {
    i32(v.length);
    for (long x : v) {
      i64(x);
    }
    return this;
  }

  public StateOut bytes(byte[] v, int off, int len) {
    i32(len);
    try {
      out.write(v, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public StateOut bytes(byte[] v) {
    return bytes(v, 0, v.length);
  }

  /**
   * Guest memory, leaving out its all-zero pages: a 128 MiB guest that has touched a third of its
   * RAM writes a third of it. Stops early if the run is abandoned (killed) meanwhile.
   */
  public StateOut memory(byte[] ram) {
    i32(ram.length);
    for (int page = 0; page * PAGE < ram.length; page++) {
      int off = page * PAGE;
      int len = Math.min(PAGE, ram.length - off);
      if (isZero(ram, off, len)) {
        continue;
      }
      if (abandoned.getAsBoolean()) {
        throw new Abandoned();
      }
      if ((page & 255) == 0) {
        progress.accept((double) off / ram.length); // every MiB: memory is nearly all of it
      }
      i32(page);
      try {
        out.write(ram, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return i32(-1);
  }

  private static boolean isZero(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    for (; i + 8 <= end; i += 8) {
      if (dev.berth.core.bus.Ram.read64(b, i) != 0) {
        return false;
      }
    }
    for (; i < end; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The run ended (the machine was killed) while its state was being written. */
  static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("the machine was killed while its state was written", null, false, false);
    }
  }
}
