package dev.berth.backend.qemu;

import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The x86_64 guest of the QEMU tests: Debian's kernel and a busybox initramfs with acpid and
 * qemu-ga, built once per checkout by {@code resources/guests/x86-test/build.sh} into {@code
 * target/x86-guest}.
 */
public final class X86TestGuest {
  public static final Path DIR = Path.of("target", "x86-guest").toAbsolutePath();
  private static boolean built;

  private X86TestGuest() {}

  public static synchronized void ensureBuilt() throws IOException, InterruptedException {
    if (built) {
      return;
    }
    Process p =
        new ProcessBuilder("sh", "resources/guests/x86-test/build.sh", DIR.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("building the x86 test guest failed:\n" + out);
    }
    built = true;
  }

  /** A spec for the guest on QEMU x86_64; {@code params} go on the kernel command line. */
  public static VmSpec spec(String name, String machine, String params) {
    return new VmSpec(
        name,
        VmSpec.Backend.QEMU,
        256,
        DIR.resolve("vmlinuz").toString(),
        DIR.resolve("initramfs.cpio.gz").toString(),
        "console=ttyS0 quiet panic=-1 " + params,
        null,
        List.of(),
        30,
        VmSpec.SCHEMA_VERSION,
        "x86_64",
        machine,
        1,
        null);
  }
}
