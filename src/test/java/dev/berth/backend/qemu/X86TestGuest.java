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

  /**
   * Builds the guest once, and fails at once when this host's accelerator cannot boot it: with KVM
   * forced ({@code -Dberth.accel=kvm}) where the probe says KVM does not work, every test would
   * otherwise wait out its boot timeout on a guest that crawls.
   */
  public static synchronized void ensureBuilt() throws IOException, InterruptedException {
    AccelDecision d = AccelDecision.decide(VmSpec.Accel.AUTO, QemuInstallation.find("x86_64"));
    if (d.warning()) {
      throw new IllegalStateException("the x86 test guest cannot boot here: " + d.describe());
    }
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

  /**
   * The accelerator this JVM runs the guest with, for the CLI processes a test starts: they must
   * make the same choice.
   */
  public static String accel() throws IOException {
    return AccelDecision.decide(VmSpec.Accel.AUTO, QemuInstallation.find("x86_64")).accel();
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
