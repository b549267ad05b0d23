package dev.berth.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where a VM's saved state lives, whatever wrote it: {@code <state>/saved/<vm>.<kind>}, 0600 in a
 * 0700 directory. The next start restores it and deletes it; one that cannot be restored is set
 * aside under a name of its own, so it is kept and the start after boots afresh.
 */
public final class SavedState {
  private final Path file;
  private final String label;

  /**
   * @param kind the file's extension, which says what wrote it ("qemu-state", "berth-state")
   * @param label what it is, in words: "QEMU's saved state"
   */
  public SavedState(BerthDirs dirs, String vm, String kind, String label) {
    this.file = dirs.state().resolve("saved").resolve(vm + "." + kind);
    this.label = label;
  }

  public Path file() {
    return file;
  }

  /** The saved directory, made private if it was not, for a save to write into. */
  public Path prepare() throws IOException {
    return PrivateFiles.directory(file.getParent()).resolve(file.getFileName());
  }

  /** In words, if there is one: "QEMU's saved state (123 MiB)". */
  public Optional<String> describe() {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      return Optional.of(label + " (" + (Files.size(file) >> 20) + " MiB)");
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public boolean exists() {
    return describe().isPresent();
  }

  /** The files this VM's saves made, for Delete to offer. */
  public java.util.List<Path> made() {
    return exists() ? java.util.List.of(file) : java.util.List.of();
  }

  /**
   * Moves a state that would not load out of the way, and says so in one line for the user: "cannot
   * restore linux's saved state (reason); it is kept as … and the next start boots afresh".
   */
  public IOException refused(String vm, String reason, Throwable cause) {
    String kept;
    try {
      Path aside =
          file.resolveSibling(file.getFileName() + ".refused-" + System.currentTimeMillis());
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      kept = "it is kept as " + aside.getFileName() + " and the next start boots afresh";
    } catch (IOException e) {
      kept = "it could not be set aside either (" + e.getMessage() + ")";
    }
    return new IOException(
        "cannot restore " + vm + "'s saved state (" + reason + "); " + kept, cause);
  }
}
