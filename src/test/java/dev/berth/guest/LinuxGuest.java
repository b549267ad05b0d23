package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.GuestRun;
import java.time.Duration;

/** Driving the Berth Linux guest's serial console from a test. */
final class LinuxGuest {
  static final String PROMPT = "berth-linux:~# ";

  private LinuxGuest() {}

  /**
   * Waits for the ready line and a shell that reads what is typed: the shell's line editor flushes
   * typeahead when it takes the terminal, so Enter is pressed until a new prompt answers.
   */
  static void awaitShell(GuestRun run, int boot) {
    run.awaitConsole("berth-linux ready in ", boot);
    for (int i = 0; ; i++) {
      int prompts = run.consoleCount(PROMPT);
      run.type("\n");
      if (run.consoleWithin(PROMPT, prompts + 1, Duration.ofSeconds(2))) {
        return;
      }
      assertTrue(i < 15, "the shell never answered Enter:\n" + run.console());
    }
  }

  /**
   * acpid is started in the background just before the ready line; a press before it has opened the
   * power button's input device is lost (as on any PC early in boot). Waits until it listens.
   */
  static void awaitAcpid(GuestRun run) {
    run.type(
        "until ls -l /proc/$(cat /run/acpid.pid)/fd | grep -q /dev/input; do sleep 0.1; done;"
            + " echo acpid-$((6*7))\n");
    run.awaitConsole("acpid-42", run.consoleCount("acpid-42") + 1);
  }
}
