package dev.berth.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The rule for a raw disk image, one for the model's validator and the core's own check at its
 * boundary: a regular file (a link to one is fine; {@code /dev/zero} is not), not empty, a whole
 * number of sectors.
 */
public final class DiskImages {
  /** Disks are read and written in whole sectors of this size. */
  public static final int SECTOR = 512;

  private DiskImages() {}

  /** What makes {@code image} unusable as a raw disk, in words for a user, or null. */
  public static String problem(Path image) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(image, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return image + ": no such disk image";
    } catch (IOException e) {
      return image + ": cannot be read (" + e.getMessage() + ")";
    }
    if (!a.isRegularFile()) {
      return image + ": not a regular file (a disk image must be a file)";
    }
    if (a.size() == 0) {
      return image + ": empty";
    }
    if (a.size() % SECTOR != 0) {
      return image + ": " + a.size() + " bytes, not a whole number of " + SECTOR + "-byte sectors";
    }
    return null;
  }
}
