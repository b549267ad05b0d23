package dev.berth.core.virtio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A virtio block device (ID 2) on a raw image file. Every request goes straight to the file's
 * channel before it completes, so the file is the disk: what the guest saw written is in the host's
 * page cache, and a flush ({@code VIRTIO_BLK_F_FLUSH}) forces it to the storage device.
 */
public final class VirtioBlk extends VirtioDevice {
  private static final System.Logger LOG = System.getLogger(VirtioBlk.class.getName());

  static final int SECTOR = 512;
  static final long F_RO = 1L << 5, F_FLUSH = 1L << 9;
  static final int T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8;
  static final int S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
  private static final int HEADER = 16, ID_BYTES = 20, QUEUE_SIZE = 256;

  private final Path image;
  private final FileChannel file;
  private final FileLock lock;
  private final boolean readOnly;
  private final long sectors;
  private final byte[] id;
  private final byte[] header = new byte[HEADER];
  private int answered;

  /** Bytes the guest has read and written (the worker thread writes, anyone reads). */
  private volatile long bytesRead, bytesWritten;

  private VirtioBlk(Path image, FileChannel file, FileLock lock, boolean readOnly)
      throws IOException {
    super(2, F_FLUSH | (readOnly ? F_RO : 0), 8, QUEUE_SIZE);
    this.image = image;
    this.file = file;
    this.lock = lock;
    this.readOnly = readOnly;
    this.sectors = file.size() / SECTOR;
    ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN).putLong(sectors);
    byte[] name = image.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    this.id = Arrays.copyOf(name, Math.min(name.length, ID_BYTES));
  }

  /**
   * Opens {@code image} for the guest; another Berth VM using it is refused, as QEMU locks images.
   *
   * @throws IOException with one readable line (missing file, no permission, image in use)
   */
  public static VirtioBlk open(Path image, boolean readOnly) throws IOException {
    FileChannel ch;
    try {
      ch =
          readOnly
              ? FileChannel.open(image, StandardOpenOption.READ)
              : FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw new IOException(image + ": no such disk image", e);
    } catch (AccessDeniedException e) {
      throw new IOException(image + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException(image + ": cannot open the disk image: " + e.getMessage(), e);
    }
    try {
      FileLock lock = ch.tryLock(0, Long.MAX_VALUE, readOnly);
      if (lock == null) {
        throw new IOException(image + ": the disk image is in use by another VM");
      }
      return new VirtioBlk(image, ch, lock, readOnly);
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new IOException(image + ": the disk image is in use by another VM", e);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  void notify(int queue) {
    Virtqueue q = transport.queue(queue);
    boolean any = false;
    Chain c;
    while ((c = q.take()) != null) {
      if (c.writableBytes() == 0) {
        throw new BadRingException("block request without room for a status byte");
      }
      answered = 0;
      int status = c.read(0, header, 0, HEADER) < HEADER ? S_IOERR : serve(c);
      header[0] = (byte) status;
      c.write(c.writableBytes() - 1, header, 0, 1);
      q.put(c, (status == S_OK ? answered : 0) + 1);
      any = true;
    }
    if (any) {
      transport.usedBuffers(q);
    }
  }

  /** Carries out the request in {@link #header}; returns its status. */
  private int serve(Chain c) {
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int type = h.getInt(0);
    long pos = h.getLong(8) * SECTOR;
    long dataIn = c.writableBytes() - 1;
    long dataOut = c.readableBytes() - HEADER;
    try {
      switch (type) {
        case T_IN -> {
          if (!inRange(h.getLong(8), dataIn)) {
            return S_IOERR;
          }
          transfer(c, c.firstWritable(), 0, dataIn, pos, false);
          answered = (int) dataIn;
          bytesRead += dataIn; // one writer: the worker thread
        }
        case T_OUT -> {
          if (readOnly || !inRange(h.getLong(8), dataOut)) {
            return S_IOERR;
          }
          transfer(c, 0, HEADER, dataOut, pos, true);
          bytesWritten += dataOut;
        }
        case T_FLUSH -> file.force(true);
        case T_GET_ID -> answered = c.write(0, id, 0, (int) Math.min(dataIn, id.length));
        default -> {
          return S_UNSUPP;
        }
      }
      return S_OK;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, image + ": block request failed", e);
      return S_IOERR;
    }
  }

  /** The bytes the guest has read from this disk since it was opened. */
  public long bytesRead() {
    return bytesRead;
  }

  /** The bytes the guest has written to this disk since it was opened. */
  public long bytesWritten() {
    return bytesWritten;
  }

  private boolean inRange(long sector, long bytes) {
    return sector >= 0 && sector <= sectors && bytes <= (sectors - sector) * SECTOR;
  }

  /**
   * Moves {@code n} bytes between the file at {@code pos} and the chain's buffers from segment
   * {@code first}, {@code skip} bytes in, straight from and into guest RAM.
   */
  private void transfer(Chain c, int first, long skip, long n, long pos, boolean toFile)
      throws IOException {
    for (int i = first; i < c.segments() && n > 0; i++) {
      if (skip >= c.length(i)) {
        skip -= c.length(i);
        continue;
      }
      int start = c.ramOffset(i) + (int) skip;
      int count = (int) Math.min(c.length(i) - skip, n);
      skip = 0;
      ByteBuffer b = ByteBuffer.wrap(c.ram(), start, count);
      while (b.hasRemaining()) {
        long at = pos + b.position() - start;
        if ((toFile ? file.write(b, at) : file.read(b, at)) < 0) {
          Arrays.fill(c.ram(), b.position(), b.limit(), (byte) 0); // the file shrank under us
          break;
        }
      }
      if (!toFile) {
        c.written(start, count); // a disk read over translated code discards it
      }
      pos += count;
      n -= count;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      file.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "closing " + image, e);
    }
  }
}
