package dev.berth.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The VM specs on disk: one JSON file per VM, {@code <config>/vms/<name>.json}.
 *
 * <p>Saves are atomic (a temporary file in the same directory, flushed to disk, then renamed over
 * the old one), so a crash or a full disk leaves either the old spec or the new one. A file that
 * cannot be loaded is moved aside to {@code <name>.json.corrupt-<yyyyMMdd-HHmmss>} and reported;
 * the other VMs still load.
 */
public final class VmStore {
  private static final System.Logger LOG = System.getLogger(VmStore.class.getName());
  private static final String SUFFIX = ".json";
  private static final int MAX_FILE_BYTES = 1 << 20;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  /** What {@link #load()} found: the specs sorted by name, and the files it could not use. */
  public record LoadResult(List<VmSpec> specs, List<LoadProblem> problems) {
    public LoadResult {
      specs = List.copyOf(specs);
      problems = List.copyOf(problems);
    }
  }

  /**
   * A file {@link #load()} could not use.
   *
   * @param file the file as it was named in {@code vms/}
   * @param reason why it could not be used, in words for a user
   * @param movedTo where it was moved aside, or null if it could not be moved
   */
  public record LoadProblem(Path file, String reason, Path movedTo) {}

  private final Path configDir;
  private final Path vmsDir;
  private final Clock clock;

  /**
   * @param configDir Berth's configuration directory, {@link BerthDirs#config()}
   */
  public VmStore(Path configDir) {
    this(configDir, Clock.systemDefaultZone());
  }

  /**
   * @param clock for the timestamp in the names of files moved aside
   */
  public VmStore(Path configDir, Clock clock) {
    this.configDir = configDir;
    this.vmsDir = configDir.resolve("vms");
    this.clock = clock;
  }

  /** The directory that holds the spec files. */
  public Path directory() {
    return vmsDir;
  }

  /**
   * Loads every {@code *.json} in {@code vms/}. Files that are unreadable, not JSON, miss a
   * required property, or hold a name other than their file name are moved aside and reported.
   *
   * @throws IOException only if the directory itself cannot be listed
   */
  public LoadResult load() throws IOException {
    List<VmSpec> specs = new ArrayList<>();
    List<LoadProblem> problems = new ArrayList<>();
    if (!PrivateFiles.existingDirectory(vmsDir)) { // not a link, ours, 0700
      return new LoadResult(specs, problems);
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(vmsDir, "*" + SUFFIX)) {
      for (Path file : dir) {
        if (!file.getFileName().toString().startsWith(".")) {
          files.add(file);
        }
      }
    }
    files.sort(Comparator.naturalOrder());
    for (Path file : files) {
      String reason;
      try {
        VmSpec spec = VmSpec.fromJson(readUtf8(file));
        reason = structuralProblem(spec, file);
        if (reason == null) {
          specs.add(spec);
          continue;
        }
      } catch (JsonProcessingException e) {
        reason = "Not a valid VM spec: " + e.getOriginalMessage();
      } catch (CharacterCodingException e) {
        reason = "Not UTF-8 text";
      } catch (NotRegular e) {
        problems.add(new LoadProblem(file, e.getMessage(), null)); // not ours to move
        continue;
      } catch (IOException e) {
        reason = "Cannot be read: " + e.getMessage();
      }
      problems.add(new LoadProblem(file, reason, moveAside(file, reason)));
    }
    specs.sort(Comparator.comparing(VmSpec::name));
    return new LoadResult(specs, problems);
  }

  /** True if a spec file for {@code name} exists. */
  public boolean exists(String name) {
    return VmNames.isValid(name) && Files.exists(fileFor(name), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Writes {@code spec} to {@code vms/<name>.json}, atomically replacing any older version. If the
   * write fails the old file is left as it was.
   *
   * @throws IllegalArgumentException if the spec's name is not a valid VM name
   */
  public void save(VmSpec spec) throws IOException {
    VmNames.require(spec.name());
    PrivateFiles.directory(configDir);
    PrivateFiles.directory(vmsDir);
    writeAtomically(vmsDir, spec);
  }

  /**
   * Deletes the spec file for {@code name}.
   *
   * @return true if there was one
   */
  public boolean delete(String name) throws IOException {
    VmNames.require(name);
    if (!PrivateFiles.existingDirectory(vmsDir)) {
      return false; // and never delete through a link
    }
    boolean deleted = Files.deleteIfExists(fileFor(name));
    if (deleted) {
      AtomicFiles.syncDirectory(vmsDir);
    }
    return deleted;
  }

  /**
   * On the very first run (no {@code vms/} directory yet) creates it holding {@link
   * VmSpec#defaultDemo()}. Once {@code vms/} exists it is left alone, so a user who deletes every
   * VM does not get the demo back.
   *
   * @return true if the demo was created
   */
  public boolean ensureFirstRunDefaults() throws IOException {
    if (Files.exists(vmsDir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    PrivateFiles.directory(configDir);
    // Build the directory under another name and rename it into place, so a crash here leaves
    // no half-initialised vms/ (an empty one would stop the demo from ever being created).
    Path staging = Files.createTempDirectory(configDir, ".vms-init-");
    try {
      writeAtomically(staging, VmSpec.defaultDemo());
      writeAtomically(staging, VmSpec.defaultLinux());
      Files.move(staging, vmsDir);
    } catch (FileAlreadyExistsException e) {
      return false; // another instance got there first
    } finally {
      FileTrees.delete(staging);
    }
    AtomicFiles.syncDirectory(configDir);
    return true;
  }

  private Path fileFor(String name) {
    return vmsDir.resolve(name + SUFFIX);
  }

  private static String structuralProblem(VmSpec spec, Path file) {
    String fileName = file.getFileName().toString();
    String expected = fileName.substring(0, fileName.length() - SUFFIX.length());
    if (!spec.name().equals(expected)) {
      return "Holds the VM \"" + spec.name() + "\", not \"" + expected + "\"";
    }
    String nameProblem = VmNames.problem(spec.name());
    if (nameProblem != null) {
      return "Invalid name: " + nameProblem;
    }
    if (spec.kernel() == null && spec.disks().isEmpty() && spec.cdrom() == null) {
      return "Nothing to boot: no kernel, disk or CD-ROM";
    }
    if (spec.schemaVersion() < 1) {
      return "Invalid schemaVersion " + spec.schemaVersion();
    }
    return null;
  }

  /** A spec file that is a link, a FIFO or a device: reported, never opened or moved. */
  private static final class NotRegular extends IOException {
    NotRegular(String message) {
      super(message);
    }
  }

  private static String readUtf8(Path file) throws IOException {
    try {
      PrivateFiles.requireRegular(file);
    } catch (IOException e) {
      throw new NotRegular(
          Files.isSymbolicLink(file) ? "A symbolic link, not read" : "Not a regular file");
    }
    byte[] bytes = PrivateFiles.readTail(file, MAX_FILE_BYTES + 1);
    if (bytes == null) {
      throw new java.nio.file.NoSuchFileException(file.toString());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IOException("larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  /** Renames a bad file out of the way without ever replacing an existing file. */
  private Path moveAside(Path file, String reason) {
    String base = file.getFileName() + ".corrupt-" + LocalDateTime.now(clock).format(STAMP);
    for (int n = 0; n < 1000; n++) {
      Path target = file.resolveSibling(n == 0 ? base : base + "-" + n);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        Files.move(file, target); // no REPLACE_EXISTING: fails if target appeared meanwhile
        LOG.log(System.Logger.Level.WARNING, file + ": " + reason + "; moved to " + target);
        return target;
      } catch (FileAlreadyExistsException e) {
        // try the next counter
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, file + ": " + reason + "; cannot move aside", e);
        return null;
      }
    }
    LOG.log(System.Logger.Level.WARNING, file + ": " + reason + "; no free name to move it to");
    return null;
  }

  private static void writeAtomically(Path dir, VmSpec spec) throws IOException {
    AtomicFiles.write(
        dir.resolve(spec.name() + SUFFIX), spec.toJson().getBytes(StandardCharsets.UTF_8));
  }
}
