package dev.berth.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories and files Berth makes for itself — its config, state and runtime directories and
 * what is in them — are private to the user (0700 directories, 0600 files) and are never reached
 * through a symbolic link or found belonging to someone else: another local user who planted a link
 * or a directory there would otherwise have Berth chmod, write or bind sockets in a place of their
 * choosing. Nothing here follows a link at the last step, and nothing here opens a device or a FIFO
 * (which would block or never end).
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * {@code dir}, created 0700 if missing (missing parents above it are made as usual). An existing
   * one must be a directory, not a symbolic link, owned by this user; its mode is tightened to
   * 0700.
   *
   * @throws IOException with a readable message if it cannot be made or is not safe to use
   */
  public static Path directory(Path dir) throws IOException {
    boolean posix = isPosix(dir);
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    try {
      if (posix) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      // checked below
    }
    BasicFileAttributes attrs = attributes(dir);
    if (attrs.isSymbolicLink()) {
      throw new IOException(dir + " is a symbolic link; Berth uses only a real directory there");
    }
    if (!attrs.isDirectory()) {
      throw new IOException(dir + " exists and is not a directory");
    }
    requireOwned(dir, dir);
    if (posix) {
      Files.setPosixFilePermissions(dir, DIR);
    }
    return dir;
  }

  /**
   * False if {@code dir} does not exist; true if it is a directory of this user's, not a link
   * (tightened to 0700); else a readable refusal. For reading and deleting, which must not create.
   */
  public static boolean existingDirectory(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    directory(dir);
    return true;
  }

  /**
   * Opens {@code file} (in a directory made by {@link #directory}) to append to it, created 0600 if
   * missing. An existing one must be a regular file of this user's, not a link.
   */
  public static FileChannel append(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      requireRegular(file);
      requireOwned(file, file.toAbsolutePath().getParent());
    }
    Set<OpenOption> options =
        new HashSet<>(
            List.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS));
    return FileChannel.open(file, options, fileMode(file));
  }

  /** The attribute that creates a file 0600 (none where there is no POSIX). */
  public static FileAttribute<?>[] fileMode(Path file) {
    return isPosix(file)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /**
   * The last {@code max} bytes of a regular file (all of it if it is smaller), or null if there is
   * no file. A symbolic link, a FIFO or a device is refused without being opened.
   */
  public static byte[] readTail(Path file, int max) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = requireRegular(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = Math.max(attrs.size(), ch.size());
      long from = Math.max(0, size - max);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // a file that shrank meanwhile ends the read early
      }
      byte[] bytes = new byte[buf.position()];
      buf.flip().get(bytes);
      return bytes;
    }
  }

  /** The file's attributes, if it is a regular file and not a link; else a readable refusal. */
  public static BasicFileAttributes requireRegular(Path file) throws IOException {
    BasicFileAttributes attrs = attributes(file);
    if (attrs.isSymbolicLink()) {
      throw new IOException(file + " is a symbolic link; Berth reads only a real file there");
    }
    if (!attrs.isRegularFile()) {
      throw new IOException(file + " is not a regular file (a directory, device, FIFO or socket)");
    }
    return attrs;
  }

  private static BasicFileAttributes attributes(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static void requireOwned(Path p, Path probeDir) throws IOException {
    UserPrincipal owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS);
    UserPrincipal us = ourselves(probeDir);
    if (!owner.equals(us)) {
      throw new IOException(p + " belongs to " + owner.getName() + ", not to " + us.getName());
    }
  }

  /**
   * This process's user: the owner of {@code /proc/self} on Linux, else of a file it creates in
   * {@code dir}.
   */
  private static UserPrincipal ourselves(Path dir) throws IOException {
    Path self = Path.of("/proc/self");
    if (Files.isDirectory(self)) {
      return Files.getOwner(self);
    }
    Path probe = Files.createTempFile(dir, ".owner-probe-", "");
    try {
      return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static boolean isPosix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
