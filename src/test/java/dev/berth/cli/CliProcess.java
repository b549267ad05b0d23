package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The berth CLI as a user runs it, in a real process of its own with {@code home} as its home (so
 * its config, state and runtime directories are the test's), making the test JVM's QEMU accelerator
 * choice.
 */
final class CliProcess {
  private final Path home;
  private final Path runtime;

  CliProcess(Path home) {
    this(home, null);
  }

  /**
   * @param runtime its {@code XDG_RUNTIME_DIR}, to share a test JVM's, or null for none
   */
  CliProcess(Path home, Path runtime) {
    this.home = home;
    this.runtime = runtime;
  }

  record Result(int status, String out, String err) {}

  ProcessBuilder berth(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.berth.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("XDG_"));
    env.put("HOME", home.toString());
    env.put("TMPDIR", home.toString());
    if (runtime != null) {
      env.put("XDG_RUNTIME_DIR", runtime.toString());
    }
    try {
      env.put("BERTH_ACCEL", dev.berth.backend.qemu.X86TestGuest.accel());
    } catch (java.io.IOException e) {
      // no QEMU: the commands under test say so themselves
    }
    return pb;
  }

  /** Runs one command to its end (at most a minute) and collects what it printed. */
  Result run(String... args) throws Exception {
    Process p = berth(args).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "berth " + String.join(" ", args) + " hung");
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** {@code berth create NAME} for the x86 test guest on QEMU (built first if need be). */
  Result createX86(String name) throws Exception {
    dev.berth.backend.qemu.X86TestGuest.ensureBuilt();
    Path guest = dev.berth.backend.qemu.X86TestGuest.DIR;
    return run(
        "create",
        name,
        "--backend",
        "qemu",
        "--arch",
        "x86_64",
        "--memory",
        "256",
        "--kernel",
        guest.resolve("vmlinuz").toString(),
        "--initrd",
        guest.resolve("initramfs.cpio.gz").toString(),
        "--append",
        "console=ttyS0 quiet panic=-1");
  }
}
