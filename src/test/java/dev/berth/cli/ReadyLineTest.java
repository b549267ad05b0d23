package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The boot bench sees the ready line however the console's output is cut into batches. */
class ReadyLineTest {
  private static final String CONSOLE =
      "[    0.1] berth-linu\nberth: acpid started\nberth-berth-linux ready in 0.42 s\n";

  @Test
  void everyCutFindsTheLineOnceItIsComplete() {
    byte[] b = CONSOLE.getBytes(StandardCharsets.US_ASCII);
    int end = CONSOLE.indexOf("ready in ") + "ready in ".length();
    for (int cut = 0; cut <= b.length; cut++) {
      LinuxBootBench.ReadyLine line = new LinuxBootBench.ReadyLine();
      boolean early = line.seen(b, 0, cut);
      assertEquals(cut >= end, early, "the first " + cut + " bytes");
      if (!early) {
        assertTrue(line.seen(b, cut, b.length - cut), "the rest after " + cut + " bytes");
      }
    }
  }

  @Test
  void aFalseStartDoesNotHideTheLine() {
    byte[] b = "berth-linux readberth-linux ready in 1 s".getBytes(StandardCharsets.US_ASCII);
    assertTrue(new LinuxBootBench.ReadyLine().seen(b, 0, b.length));
  }
}
