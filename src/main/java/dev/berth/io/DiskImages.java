package dev.berth.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The rule for a disk image, one for the model's validator and the core's own check at its
 * boundary: a regular file (a link to one is fine; {@code /dev/zero} is not), not empty, and either
 * a qcow2 image (QEMU's, for its snapshots) or raw, a whole number of sectors.
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
    if (isQcow2(image)) {
      return null;
    }
    if (a.size() % SECTOR != 0) {
      return image + ": " + a.size() + " bytes, not a whole number of " + SECTOR + "-byte sectors";
    }
    return null;
  }

  /** As {@link #problem}, for a reader of raw images only (the bundled core). */
  public static String rawProblem(Path image) {
    String p = problem(image);
    if (p == null && isQcow2(image)) {
      return image
          + ": a qcow2 image; the bundled core reads raw images (convert it with qemu-img convert"
          + " -O raw)";
    }
    return p;
  }

  /** True if {@code image} starts with qcow2's magic, "QFI\xfb". */
  public static boolean isQcow2(Path image) {
    byte[] magic = new byte[4];
    try (java.io.InputStream in = Files.newInputStream(image)) {
      return in.readNBytes(magic, 0, 4) == 4
          && magic[0] == 'Q'
          && magic[1] == 'F'
          && magic[2] == 'I'
          && (magic[3] & 0xff) == 0xfb;
    } catch (IOException e) {
      return false;
    }
  }
}
