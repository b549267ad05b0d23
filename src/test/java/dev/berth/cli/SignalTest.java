package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Guests;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGTERM to a real {@code berth run} process ends it as QEMU ends: host-signal, exit 0. */
class SignalTest {
  @Test
  void sigtermPostsHostSignalShutdown() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.berth.Main",
                    "run",
                    "--kernel",
                    Guests.elf("pm_ignore").toString(),
                    "--events",
                    "-"))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("alive 1"));
      assertTrue(line != null, "the guest never said it was alive");
      p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our pipes
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "berth did not exit after SIGTERM");
    }
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), err);
    assertTrue(err.contains("\"event\":\"SHUTDOWN\""), err);
    assertTrue(err.contains("{\"guest\":false,\"reason\":\"host-signal\"}"), err);
  }
}
