package dev.berth.core.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The bytes of a boot image and the name to use for it in messages. */
public record ImageSource(String name, byte[] bytes) {
  /** Largest image accepted: guest RAM is at most 2 GiB anyway. */
  private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

  public static ImageSource fromPath(Path path) throws ImageException {
    String name = path.toString();
    try {
      if (Files.isDirectory(path)) {
        throw new ImageException(name + ": is a directory, not an image file");
      }
      if (Files.size(path) > MAX_SIZE) {
        throw new ImageException(name + ": too large for guest memory");
      }
      return new ImageSource(name, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new ImageException(name + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new ImageException(name + ": permission denied", e);
    } catch (IOException e) {
      throw new ImageException(name + ": cannot read: " + e.getMessage(), e);
    }
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
