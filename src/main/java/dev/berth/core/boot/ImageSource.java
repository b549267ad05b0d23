package dev.berth.core.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** The bytes of a boot image and the name to use for it in messages. */
public record ImageSource(String name, byte[] bytes) {
  /** Largest image accepted: guest RAM is at most 2 GiB anyway. */
  private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

  public static ImageSource fromPath(Path path) throws ImageException {
    return fromPath(path, MAX_SIZE);
  }

  /**
   * Reads the image at {@code path}, which must be a regular file (a symbolic link to one is fine)
   * of at most {@code maxBytes}: a device such as {@code /dev/zero} would be read until memory runs
   * out, a FIFO would block for ever.
   */
  public static ImageSource fromPath(Path path, long maxBytes) throws ImageException {
    String name = path.toString();
    long max = Math.min(maxBytes, MAX_SIZE);
    try {
      Path real = path.toRealPath();
      BasicFileAttributes attrs =
          Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isDirectory()) {
        throw new ImageException(name + ": is a directory, not an image file");
      }
      if (!attrs.isRegularFile()) {
        throw new ImageException(name + ": not a regular file (a device, FIFO or socket)");
      }
      if (attrs.size() > max) {
        throw new ImageException(name + ": " + tooLarge(attrs.size(), max));
      }
      byte[] bytes;
      try (FileChannel ch =
              FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
          InputStream in = Channels.newInputStream(ch)) {
        bytes = in.readNBytes((int) max + 1);
      }
      if (bytes.length > max) {
        throw new ImageException(name + ": " + tooLarge(bytes.length, max)); // it grew
      }
      return new ImageSource(name, bytes);
    } catch (NoSuchFileException e) {
      throw new ImageException(name + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new ImageException(name + ": permission denied", e);
    } catch (IOException e) {
      throw new ImageException(name + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static String tooLarge(long size, long max) {
    return (size >> 20) + " MiB, larger than the guest's memory (" + (max >> 20) + " MiB)";
  }

  /** An image shipped inside Berth, on the class path. */
  public static ImageSource fromResource(String resource) throws ImageException {
    try (InputStream in = ImageSource.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ImageException(resource + ": not found in this Berth build");
      }
      return new ImageSource(resource, in.readAllBytes());
    } catch (IOException e) {
      throw new ImageException(resource + ": cannot read: " + e.getMessage(), e);
    }
  }
}
