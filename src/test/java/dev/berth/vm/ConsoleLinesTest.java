package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleLinesTest {
  private static List<String> feed(ConsoleLines lines, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return lines.feed(b, 0, b.length);
  }

  @Test
  void linesAsAUserReadsThemAcrossChunks() {
    ConsoleLines lines = new ConsoleLines();
    assertEquals(List.of(), feed(lines, "\u001b[1;32mstopping ac"));
    assertTrue(lines.pending());
    assertEquals(List.of("stopping acpid"), feed(lines, "pid\u001b[0m\r\n\r\n"));
    assertEquals(List.of("reboot: Power down", "x"), feed(lines, "reboot: Power down\r\nx\n"));
    assertEquals(
        List.of("[ 6.79] pm: power button pressed"),
        feed(lines, "[    6.79] pm:  power button pressed\r\n"));
    assertEquals(List.of("a b"), feed(lines, "  a \r\t\u0007 b \r\n"), "blanks made one");
    String longLine = "y".repeat(500);
    assertEquals(List.of("y".repeat(ConsoleLines.MAX_CHARS) + "…"), feed(lines, longLine + "\n"));
  }
}
