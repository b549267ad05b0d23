package dev.berth.backend.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finding a program in a search path, as a shell does. */
public final class Executables {
  private Executables() {}

  /** {@code name} in the first directory of {@code dirs} (a PATH-style list) that has it. */
  public static Optional<Path> find(String name, String dirs) {
    for (String dir : dirs.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@code name} on this process's {@code PATH}. */
  public static Optional<Path> onPath(String name) {
    return find(name, System.getenv().getOrDefault("PATH", ""));
  }
}
