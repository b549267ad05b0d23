package dev.berth.core.state;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * One saved machine in one file: a header (what wrote it and for which machine), the parts'
 * sections, and a CRC-32 of all of it. It is written to a temp file, fsynced and renamed over the
 * old one, so a power cut or a kill in the middle leaves the previous file or none, never a torn
 * one; it is read twice, once to check the CRC and the header and once to load, so a damaged file
 * is refused before any part has taken a value from it.
 */
public final class StateFile {
  private static final byte[] MAGIC =
      "BERTH-STATE\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int FORMAT = 1;
  private static final String END = "end";
  private static final int BUFFER = 1 << 16;

  private StateFile() {}

  /** The temp file a save writes first; a leftover one is a save that never finished. */
  public static Path temp(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  /**
   * Writes {@code body} to {@code file} (0600), as made by Berth {@code version} for a machine
   * described by {@code fingerprint}; returns the file's size. Gives up, leaving {@code file} as it
   * was, once {@code abandoned} says so.
   */
  public static long write(
      Path file, String version, String fingerprint, Saveable body, BooleanSupplier abandoned)
      throws IOException {
    return write(file, version, fingerprint, body, abandoned, done -> {});
  }

  /** As above, telling {@code progress} how far along it is (0 to 1) as it goes. */
  public static long write(
      Path file,
      String version,
      String fingerprint,
      Saveable body,
      BooleanSupplier abandoned,
      java.util.function.DoubleConsumer progress)
      throws IOException {
    Path tmp = temp(file);
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another save of this machine is under way (" + tmp + ")", e);
    }
    boolean done = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      CRC32 crc = new CRC32();
      OutputStream raw = Channels.newOutputStream(ch);
      DataOutputStream data =
          new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, BUFFER), crc));
      data.write(MAGIC);
      data.writeInt(FORMAT);
      data.writeUTF(version);
      data.writeUTF(fingerprint);
      try {
        body.save(new StateOut(data, abandoned, progress));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (StateOut.Abandoned e) {
        throw new IOException(e.getMessage());
      }
      data.writeUTF(END);
      data.flush();
      new DataOutputStream(raw).writeInt((int) crc.getValue());
      ch.force(true);
      long size = ch.size();
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(file.getParent());
      done = true;
      return size;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Loads {@code file} into {@code body}, refusing, with one line, a file that is damaged, was made
   * by another Berth version, or is for another machine.
   */
  public static void read(Path file, String version, String fingerprint, Saveable body)
      throws StateException {
    verify(file, version, fingerprint);
    load(file, version, fingerprint, body);
  }

  /**
   * Everything {@link #read} checks before any part takes a value: a regular file, whole (its CRC),
   * made by this Berth for this machine.
   */
  public static void verify(Path file, String version, String fingerprint) throws StateException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new StateException(file.getFileName() + " is not a regular file");
    }
    try {
      check(file);
      try (DataInputStream in = open(file)) {
        header(in, version, fingerprint);
      }
    } catch (StateException e) {
      throw e;
    } catch (IOException e) {
      throw new StateException("cannot read the saved state: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a file {@link #verify} accepted into {@code body}; a failure here leaves the parts read
   * so far changed.
   */
  public static void load(Path file, String version, String fingerprint, Saveable body)
      throws StateException {
    try (DataInputStream in = open(file)) {
      header(in, version, fingerprint);
      StateIn state = new StateIn(in);
      body.restore(state);
      state.begin(END);
    } catch (StateException e) {
      throw e;
    } catch (IOException e) {
      throw new StateException("cannot read the saved state: " + e.getMessage(), e);
    }
  }

  /** The first pass: the CRC over everything before the last four bytes is those four bytes. */
  private static void check(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < MAGIC.length) {
        throw new StateException("it is not a Berth saved state");
      }
      java.nio.ByteBuffer magic = fill(ch, java.nio.ByteBuffer.allocate(MAGIC.length));
      if (!java.util.Arrays.equals(magic.array(), MAGIC)) {
        throw new StateException("it is not a Berth saved state");
      }
      ch.position(0);
      CRC32 crc = new CRC32();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(BUFFER);
      long left = size - 4;
      while (left > 0) {
        buf.clear().limit((int) Math.min(BUFFER, left));
        int n = ch.read(buf);
        if (n < 0) {
          throw new StateException("the saved state is cut short");
        }
        crc.update(buf.flip());
        left -= n;
      }
      java.nio.ByteBuffer stored = fill(ch, java.nio.ByteBuffer.allocate(4));
      if (stored.hasRemaining() || stored.getInt(0) != (int) crc.getValue()) {
        throw new StateException("the saved state is damaged (its checksum does not match)");
      }
    }
  }

  /** Reads into all of {@code b} unless the file ends first. */
  private static java.nio.ByteBuffer fill(FileChannel ch, java.nio.ByteBuffer b)
      throws IOException {
    int n = 0;
    while (b.hasRemaining() && n >= 0) {
      n = ch.read(b);
    }
    return b;
  }

  private static DataInputStream open(Path file) throws IOException {
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER));
  }

  private static void header(DataInputStream in, String version, String fingerprint)
      throws IOException {
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new StateException("it is not a Berth saved state");
    }
    int format = in.readInt();
    if (format != FORMAT) {
      throw new StateException("its format (" + format + ") is not this Berth's (" + FORMAT + ")");
    }
    String madeBy = in.readUTF();
    if (!madeBy.equals(version)) {
      throw new StateException("it was made by Berth " + madeBy + "; this is Berth " + version);
    }
    String machine = in.readUTF();
    if (!machine.equals(fingerprint)) {
      throw new StateException(
          "it was made for another machine (" + machine + "; this one is " + fingerprint + ")");
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
