package dev.berth.vm;

/**
 * A named snapshot of a VM: its disks and, if it was taken while the VM ran (or held a saved
 * state), its machine state; with when it was taken, what the user wrote about it, its size on
 * disk, and a thumbnail of the display if there is one.
 */
public record Snapshot(
    String tag,
    String description,
    long createdMillis,
    boolean withMemory,
    long bytes,
    java.nio.file.Path thumbnail) {

  /** "before-upgrade, 12 Dec 14:02, with memory, 58 MiB: description". */
  public String describe() {
    String when =
        java.time.format.DateTimeFormatter.ofPattern("d MMM HH:mm")
            .withZone(java.time.ZoneId.systemDefault())
            .format(java.time.Instant.ofEpochMilli(createdMillis));
    return tag
        + ", "
        + when
        + (withMemory ? ", with memory" : ", disks only")
        + ", "
        + (bytes >> 20)
        + " MiB"
        + (description.isEmpty() ? "" : ": " + description);
  }

  /** Where Berth keeps what it knows of {@code vm}'s snapshots. */
  public static java.nio.file.Path directory(BerthDirs dirs, String vm) {
    return dirs.state().resolve("snapshots").resolve(vm);
  }

  /**
   * @throws java.io.IOException with one line if {@code tag} cannot be a snapshot's name
   */
  public static void requireTag(String tag) throws java.io.IOException {
    String bad = problem(tag);
    if (bad != null) {
      throw new java.io.IOException("'" + tag + "' is not a snapshot name: " + bad);
    }
  }

  /** {@code vm}'s snapshot {@code tag} among {@code all}, or one line saying there is none. */
  public static Snapshot find(java.util.List<Snapshot> all, String vm, String tag)
      throws java.io.IOException {
    requireTag(tag);
    return all.stream()
        .filter(s -> s.tag().equals(tag))
        .findFirst()
        .orElseThrow(() -> new java.io.IOException(vm + " has no snapshot named " + tag));
  }

  /** What makes {@code tag} unusable as a snapshot's name, in words, or null. */
  public static String problem(String tag) {
    if (tag == null || tag.isEmpty() || tag.length() > 64) {
      return "a snapshot's name is 1 to 64 characters";
    }
    if (!tag.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      return "a snapshot's name is letters, digits, '.', '_' and '-', starting with a letter or"
          + " digit";
    }
    return null;
  }
}
