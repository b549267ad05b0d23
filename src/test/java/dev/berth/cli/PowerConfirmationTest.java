package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.VmAction;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code berth power} on a terminal asks what the app asks, from the same VmAction row. */
class PowerConfirmationTest {
  private static boolean answer(VmAction a, String typed, StringWriter out) {
    return PowerCommand.confirmed(a, "demo", new StringReader(typed), new PrintWriter(out));
  }

  @Test
  void aPowerCutAsksAndOnlyYesDoesIt() {
    StringWriter out = new StringWriter();
    assertFalse(answer(VmAction.KILL, "\n", out), "Enter is no");
    assertTrue(out.toString().startsWith("Kill demo's emulator now? "), out.toString());
    assertTrue(out.toString().endsWith("[y/N] "), out.toString());
    assertFalse(answer(VmAction.FORCE_OFF, "n\n", new StringWriter()));
    assertFalse(answer(VmAction.RESET, "", new StringWriter()), "end of input is no");
    assertTrue(answer(VmAction.QUIT, "y\n", new StringWriter()));
    assertTrue(answer(VmAction.TERMINATE, "Yes\n", new StringWriter()));
  }

  @Test
  void theGentleActionsDoNotAsk() {
    StringWriter out = new StringWriter();
    assertTrue(answer(VmAction.POWER_BUTTON, "", out));
    assertTrue(answer(VmAction.PAUSE, "", out));
    assertEquals("", out.toString());
  }
}
