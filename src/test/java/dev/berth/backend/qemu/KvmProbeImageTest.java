package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed probe image is what its source assembles to, and it is what the jar ships. */
class KvmProbeImageTest {
  @Test
  void committedImageIsTheAssembledSource(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("probe.img");
    Process p =
        new ProcessBuilder("sh", "resources/guests/kvm-probe/build.sh", out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), "build.sh failed (binutils installed?):\n" + log);
    byte[] shipped;
    try (InputStream in = KvmProbe.class.getResourceAsStream(KvmProbe.IMAGE)) {
      shipped = in.readAllBytes();
    }
    assertArrayEquals(Files.readAllBytes(out), shipped);
    assertArrayEquals(
        Files.readAllBytes(Path.of("resources/guests/kvm-probe/kvm-probe.img")), shipped);
  }
}
