package dev.berth.backend.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * This machine's libvirtd, as tests that lose and regain their host need it: killed, stopped,
 * continued and started again by scripts/libvirtd.sh. Whatever a test did, {@link #ensureUp} puts
 * it back for the next one.
 */
final class Libvirtd {
  private static final Path SCRIPT = Path.of("scripts/libvirtd.sh");

  private Libvirtd() {}

  static void kill() throws Exception {
    run("pkill", "-KILL", "-x", "libvirtd");
  }

  static void stop() throws Exception {
    run("pkill", "-STOP", "-x", "libvirtd");
  }

  static void cont() throws Exception {
    run("pkill", "-CONT", "-x", "libvirtd");
  }

  /** Continues a stopped libvirtd and starts one if none runs; returns when it answers. */
  static void ensureUp() throws Exception {
    cont();
    assertEquals(0, run("sh", SCRIPT.toString(), "start"), "scripts/libvirtd.sh start failed");
  }

  private static int run(String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    // the daemon outlives the test by design: it must not carry the marker of processes to end
    pb.environment().remove(dev.berth.testing.NoLeftoverProcesses.MARKER);
    Process p =
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 90 s");
    }
    return p.exitValue();
  }
}
