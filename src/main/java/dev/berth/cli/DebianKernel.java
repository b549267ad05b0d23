package dev.berth.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian trixie's stock riscv64 kernel ({@code linux-image-6.12.*-riscv64}) for {@code bench
 * --linux --debian}: fetched once with apt into {@code $XDG_CACHE_HOME/berth/debian-riscv64} (else
 * {@code ~/.cache/…}) and kept there. The host's own apt sources stay untouched: a private sources
 * list names the mirror the host already uses, with private lists and cache directories, as the x86
 * test guest's build fetches Debian's kernel.
 */
final class DebianKernel {
  static final String SUITE = "trixie";
  private static final Pattern MIRROR =
      Pattern.compile("(https?://\\S+/debian)(?=[\\s/]|$)", Pattern.MULTILINE);

  private DebianKernel() {}

  /** The cached kernel Image, fetched first if it is not there yet. */
  static Path get(java.io.PrintStream out) throws IOException, InterruptedException {
    Path dir = cacheDir();
    Path image = dir.resolve("vmlinux");
    if (Files.isRegularFile(image)) {
      return image;
    }
    Files.createDirectories(dir);
    String mirror = mirror();
    Path work = Files.createTempDirectory(dir, "fetch");
    try {
      Path sources = work.resolve("sources.list");
      Files.writeString(
          sources,
          "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
              + mirror
              + " "
              + SUITE
              + " main\n");
      Files.createDirectories(work.resolve("lists/partial"));
      Files.createDirectories(work.resolve("cache/archives/partial"));
      List<String> apt =
          List.of(
              "-o", "Dir::Etc::sourcelist=" + sources,
              "-o", "Dir::Etc::sourceparts=-",
              "-o", "Dir::State::lists=" + work.resolve("lists"),
              "-o", "Dir::Cache=" + work.resolve("cache"),
              "-o", "APT::Architectures=riscv64");
      out.printf("fetching Debian %s's riscv64 kernel from %s%n", SUITE, mirror);
      run(work, "apt-get", apt, "update");
      String depends = run(work, "apt-cache", apt, "depends", "linux-image-riscv64:riscv64");
      Matcher m = Pattern.compile("Depends: (linux-image-6\\.12\\.\\S+-riscv64)").matcher(depends);
      if (!m.find()) {
        throw new IOException("no linux-image-6.12.*-riscv64 in " + SUITE + ":\n" + depends);
      }
      String pkg = m.group(1).replace(":riscv64", "");
      run(work, "apt-get", apt, "download", pkg + ":riscv64");
      Path deb;
      try (DirectoryStream<Path> debs = Files.newDirectoryStream(work, "*.deb")) {
        deb = debs.iterator().next();
      }
      // Only the kernel out of the package: its modules would take hundreds of MiB unpacked.
      Path tree = Files.createDirectories(work.resolve("x"));
      String extract =
          "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards './boot/vmlinux-*'";
      run(work, "sh", List.of("-c", extract, "sh", deb.toString(), tree.toString()));
      Path vmlinux;
      try (DirectoryStream<Path> boot =
          Files.newDirectoryStream(tree.resolve("boot"), "vmlinux-*")) {
        vmlinux = boot.iterator().next();
      }
      Files.writeString(dir.resolve("package"), pkg + "\n");
      Files.move(vmlinux, image, StandardCopyOption.ATOMIC_MOVE);
      return image;
    } finally {
      dev.berth.vm.FileTrees.delete(work);
    }
  }

  /** The package the cached kernel came from, for the report. */
  static String packageName() throws IOException {
    Path p = cacheDir().resolve("package");
    return Files.isRegularFile(p) ? Files.readString(p).trim() : "unknown package";
  }

  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("berth").resolve("debian-riscv64");
  }

  /** The Debian mirror the host's apt sources name (one-line or deb822 format). */
  private static String mirror() throws IOException {
    List<Path> files = new ArrayList<>();
    Path list = Path.of("/etc/apt/sources.list");
    if (Files.isRegularFile(list)) {
      files.add(list);
    }
    Path parts = Path.of("/etc/apt/sources.list.d");
    if (Files.isDirectory(parts)) {
      try (DirectoryStream<Path> d = Files.newDirectoryStream(parts, "*.{list,sources}")) {
        d.forEach(files::add);
      }
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (line.strip().startsWith("#")) {
          continue;
        }
        Matcher m = MIRROR.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    throw new IOException("no Debian mirror in this host's apt sources: cannot fetch the kernel");
  }

  private static String run(Path dir, String tool, List<String> options, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool);
    cmd.addAll(options);
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed:\n" + output);
    }
    return output;
  }
}
