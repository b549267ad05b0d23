package dev.berth.backend.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@code qemu-system-<arch>} binary and its version. It is looked up in {@code $BERTH_QEMU_DIR}
 * when that is set, else on {@code PATH}.
 */
public record QemuInstallation(String arch, Path binary, String version) {
  private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

  /** The Debian package that holds each emulator, for the "not installed" message. */
  private static final Map<String, String> PACKAGES =
      Map.of("x86_64", "qemu-system-x86", "riscv64", "qemu-system-misc");

  /** Thrown with one line for the user when QEMU is missing or does not run. */
  public static final class MissingException extends IOException {
    public MissingException(String message) {
      super(message);
    }
  }

  /** Finds the emulator for {@code arch} and reads its version. */
  public static QemuInstallation find(String arch) throws MissingException {
    return find(arch, System.getenv());
  }

  static QemuInstallation find(String arch, Map<String, String> env) throws MissingException {
    String name = "qemu-system-" + arch;
    String dirs = env.getOrDefault("BERTH_QEMU_DIR", "");
    String where = dirs.isEmpty() ? "PATH" : "$BERTH_QEMU_DIR";
    if (dirs.isEmpty()) {
      dirs = env.getOrDefault("PATH", "");
    }
    java.util.Optional<Path> binary = Executables.find(name, dirs);
    if (binary.isPresent()) {
      return new QemuInstallation(arch, binary.get(), version(binary.get()));
    }
    String pkg = PACKAGES.get(arch);
    throw new MissingException(
        "QEMU is not installed: "
            + name
            + " was not found on "
            + where
            + (pkg == null ? "" : " (Debian/Ubuntu: apt install " + pkg + ")"));
  }

  /** The first line of {@code --version}, e.g. "QEMU emulator version 7.2.22 (Debian …)". */
  private static String version(Path binary) throws MissingException {
    String known = VERSIONS.get(binary);
    if (known != null) {
      return known;
    }
    try {
      Process p =
          new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new MissingException(binary + " --version did not answer within 10 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String first = out.lines().findFirst().orElse("").trim();
      if (p.exitValue() != 0 || !first.startsWith("QEMU")) {
        throw new MissingException(binary + " does not run: " + first);
      }
      String version = first.replaceFirst("^QEMU emulator version ", "");
      VERSIONS.put(binary, version);
      return version;
    } catch (IOException e) {
      throw new MissingException(binary + " does not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MissingException("interrupted while asking " + binary + " for its version");
    }
  }

  /** The version number alone ("7.2.22"). */
  public String versionNumber() {
    int space = version.indexOf(' ');
    return space < 0 ? version : version.substring(0, space);
  }
}
