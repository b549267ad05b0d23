package dev.berth.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Deleting a VM, for the app and {@code berth delete}: its spec, and what Berth made for it — its
 * run history and a data disk it created. Those are deleted when asked, otherwise kept aside under
 * {@code <file>.deleted-<yyyyMMdd-HHmmss>}, so a new VM of the same name starts afresh instead of
 * showing the old one's last run or booting on its disk. Files the user named in the spec are never
 * touched.
 */
public final class VmRemoval {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private VmRemoval() {}

  /** What became of the files Berth made. */
  public record Done(List<Path> deleted, List<Path> keptAs) {
    /** One line: "Deleted …" or "Kept aside as …", or "" if there were none. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (!deleted.isEmpty()) {
        parts.add("deleted " + names(deleted));
      }
      if (!keptAs.isEmpty()) {
        parts.add("kept aside as " + names(keptAs));
      }
      return String.join("; ", parts);
    }

    private static String names(List<Path> files) {
      return String.join(", ", files.stream().map(Path::toString).toList());
    }
  }

  /** The files Berth made for {@code spec}'s VM that exist now: its history, then the backend's. */
  public static List<Path> madeFiles(
      VmSpec spec, Backends backends, RunHistory history, BerthDirs dirs) {
    List<Path> made = new ArrayList<>();
    made.add(history.file(spec.historyKey()));
    made.addAll(backends.forSpec(spec).madeFiles(spec, dirs));
    made.removeIf(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
    return made;
  }

  /**
   * Deletes {@code name}'s spec; then deletes the {@code made} files ({@link #madeFiles}) if {@code
   * alsoData}, else renames them aside.
   *
   * @throws IOException if the spec cannot be deleted (then nothing else is touched), or a file
   */
  public static Done delete(
      VmStore store, String name, List<Path> made, boolean alsoData, Clock clock)
      throws IOException {
    if (!store.delete(name)) {
      throw new IOException("no VM named '" + name + "'");
    }
    List<Path> deleted = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    String stamp = LocalDateTime.now(clock).format(STAMP);
    for (Path file : made) {
      // a file (or a directory Berth made, as the snapshots), never through a link, in a
      // directory of this user's alone
      if (!PrivateFiles.existingDirectory(file.getParent())
          || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      boolean tree = Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
      if (tree) {
        PrivateFiles.existingDirectory(file); // this user's alone, or it is not touched
      } else {
        PrivateFiles.requireRegular(file);
      }
      if (alsoData) {
        if (tree) {
          FileTrees.delete(file);
        } else {
          Files.delete(file);
        }
        deleted.add(file);
      } else {
        Path aside = file.resolveSibling(file.getFileName() + ".deleted-" + stamp);
        Files.move(file, aside);
        kept.add(aside);
      }
    }
    return new Done(deleted, kept);
  }
}
