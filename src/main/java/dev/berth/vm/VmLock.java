package dev.berth.vm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One VM, one start, across every Berth process of this user: an exclusive lock on {@code
 * <runtime>/<vm>.lock}, taken before anything of the VM is built (its first data disk included) and
 * held while it runs in this process. A second start fails at once with a readable line instead of
 * running a second copy on the same disk. The kernel drops the lock when the holder dies, so a
 * killed Berth leaves nothing stale behind.
 */
public final class VmLock implements AutoCloseable {
  private static final String ELSEWHERE = "another Berth process started it";

  private final FileChannel channel;
  private final FileLock lock;

  private VmLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the VM's lock.
   *
   * @throws IOException with one line when another process (or this one) holds it, or the lock file
   *     cannot be made private
   */
  public static VmLock acquire(BerthDirs dirs, String vm) throws IOException {
    return take(dirs, vm, PATIENCE_NANOS);
  }

  /**
   * How long a start waits for a lock that is held: {@link #isHeld} takes a free lock for an
   * instant, and a start at that instant must not be told the VM runs.
   */
  private static final long PATIENCE_NANOS =
      java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

  private static VmLock take(BerthDirs dirs, String vm, long patienceNanos) throws IOException {
    VmNames.require(vm);
    Path file = dirs.createRuntime().resolve(vm + ".lock");
    FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    long deadline = System.nanoTime() + patienceNanos;
    while (true) {
      String why;
      try {
        FileLock l = ch.tryLock();
        if (l != null) {
          return new VmLock(ch, l);
        }
        why = vm + " is already running (" + ELSEWHERE + ")";
      } catch (OverlappingFileLockException e) {
        why = vm + " is already running (started by this Berth)";
      }
      if (System.nanoTime() - deadline >= 0) {
        ch.close();
        throw new IOException(why);
      }
      try {
        Thread.sleep(5); // a holder for an instant (a probe) lets go within microseconds
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ch.close();
        throw new IOException(why, e);
      }
    }
  }

  /**
   * True if some process holds the VM's lock: it runs there, whether or not its sockets answer.
   * (Asking takes the lock for an instant when it is free; {@link #acquire} waits that out.)
   */
  public static boolean isHeld(BerthDirs dirs, String vm) {
    try {
      take(dirs, vm, 0).close();
      return false;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains("already running");
    }
  }

  /**
   * True if another process holds the VM's lock: it runs there. A VM this process runs (another
   * session of it) is not.
   */
  public static boolean isHeldElsewhere(BerthDirs dirs, String vm) {
    try {
      take(dirs, vm, 0).close();
      return false;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains(ELSEWHERE);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel drops the lock whatever happens here
    }
  }
}
