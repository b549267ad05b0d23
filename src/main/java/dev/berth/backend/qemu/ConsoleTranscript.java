package dev.berth.backend.qemu;

import dev.berth.vm.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Berth's own copy of a QEMU VM's serial console, {@code console.log} in its runtime directory: the
 * bytes the Berth that watched the console read from its socket, and between watchers what QEMU
 * logged meanwhile. A reattaching Berth replays this, not QEMU's {@code serial.log}.
 *
 * <p>QEMU's log cannot be replayed as it is. When its socket client reads slowly, a write to the
 * socket fails with EAGAIN; QEMU 7.2 then logs the byte anyway ("a fatal error… log it all right
 * now") and the UART sends it again, which logs it again: {@code serial.log} holds "inittramfs"
 * where the socket carried "initramfs". While no client is connected the writes fail for good and
 * each byte is logged once, so the log is right exactly where no Berth watched.
 *
 * <p>{@code console.at} says where the last watcher's own reading began: its offset in QEMU's log
 * and in the transcript. The next Berth finds where that watcher's bytes end in the log (they are
 * there in order, some repeated) and takes only what the log has after that.
 */
final class ConsoleTranscript implements Closeable {
  /** More than a day of a chatty console; a larger stretch is not compared. */
  private static final int MAX_COMPARED = 64 * 1024 * 1024;

  private final Path serialLog;
  private final Path file;
  private final Path at;
  private FileChannel out;

  ConsoleTranscript(QemuRuntime rt) {
    this.serialLog = rt.serialLog();
    this.file = rt.dir().resolve("console.log");
    this.at = rt.dir().resolve("console.at");
  }

  /** A new QEMU: a new console. */
  void reset() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(at);
  }

  /**
   * Brings the transcript up to date with what QEMU logged while nobody read its console, notes
   * that this Berth's own reading starts here, and opens the transcript for {@link #append}. Call
   * it just before connecting to the console's socket.
   *
   * @return the last {@code max} bytes of the console's whole history, to show first
   */
  byte[] catchUp(int max) throws IOException {
    long logSize = size(serialLog);
    long fileSize = size(file);
    long[] last = readAt();
    long unseenFrom;
    if (last == null) {
      // nobody watched yet (a start from the command line): QEMU's log is all there is, and right
      unseenFrom = fileSize == 0 ? 0 : logSize;
    } else {
      byte[] logged = read(serialLog, last[0], logSize);
      byte[] read = read(file, last[1], fileSize);
      int end = endOf(logged, read);
      unseenFrom = end < 0 ? logSize : last[0] + end;
    }
    out = PrivateFiles.append(file);
    byte[] unseen = read(serialLog, unseenFrom, logSize);
    out.write(ByteBuffer.wrap(unseen));
    long transcript = fileSize + unseen.length;
    dev.berth.vm.AtomicFiles.write(
        at, (logSize + " " + transcript + "\n").getBytes(StandardCharsets.US_ASCII));
    return PrivateFiles.readTail(file, max);
  }

  /** What this Berth read from the console's socket. */
  void append(byte[] b, int off, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }

  /**
   * Where {@code read} (what a watcher got from the socket) ends in {@code logged} (what QEMU
   * logged meanwhile: the same bytes in order, some repeated, then whatever came after the watcher
   * left), or -1 if {@code logged} does not hold it. The earliest end is taken, so output the guest
   * printed after the watcher left is never dropped.
   */
  static int endOf(byte[] logged, byte[] read) {
    int i = 0;
    for (byte b : read) {
      while (i < logged.length && logged[i] != b) {
        i++;
      }
      if (i == logged.length) {
        return -1;
      }
      i++;
    }
    return i;
  }

  private long[] readAt() throws IOException {
    try {
      String[] parts = Files.readString(at, StandardCharsets.US_ASCII).trim().split(" ");
      return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    } catch (NoSuchFileException e) {
      return null;
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  private static long size(Path p) throws IOException {
    try {
      return PrivateFiles.requireRegular(p).size();
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** Bytes {@code from}–{@code to} of {@code p} (fewer if it is shorter), at most MAX_COMPARED. */
  private static byte[] read(Path p, long from, long to) throws IOException {
    if (to <= from || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return new byte[0];
    }
    long start = Math.max(from, to - MAX_COMPARED);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      long pos = start;
      while (pos < to) {
        buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) {
          break;
        }
        bytes.write(buf.array(), 0, n);
        pos += n;
      }
      return bytes.toByteArray();
    }
  }
}
