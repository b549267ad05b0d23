package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineExit;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that end where no Berth sees it still get their end, and status tells of that run, not of
 * the one before (issue 14, item 4): a QEMU started by berth start that powers off with no app
 * watching, and a berth start killed with SIGKILL while its VM ran.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnseenEndTest {
  @TempDir Path home;

  private List<Run> history(String vm) {
    return new RunHistory(home.resolve(".local/state/berth")).runs(vm);
  }

  @Test
  void aBerthStartKilledMidRunLeavesARunThatStatusEndsTruthfully() throws Exception {
    CliProcess cli = new CliProcess(home);
    // a first run that ends cleanly, so a stale "last run" would show its words
    assertEquals(0, cli.run("list").status());
    Process first = cli.berth("start", "demo", "--headless").start();
    awaitLine(first, "demo login-free shell ready");
    assertEquals(0, cli.run("power", "demo", "quit", "--wait").status());
    assertTrue(first.waitFor(20, TimeUnit.SECONDS));

    Process second = cli.berth("start", "demo", "--headless").start();
    try {
      awaitLine(second, "demo login-free shell ready");
      second.toHandle().destroyForcibly(); // SIGKILL: no chance to record anything
      assertTrue(second.waitFor(10, TimeUnit.SECONDS));
    } finally {
      second.destroyForcibly();
    }
    CliProcess.Result status = cli.run("status", "demo");
    assertTrue(status.out().contains("shut off"), status.out());
    assertTrue(
        status.out().contains("Ended, exit status unknown: the Berth process that ran it ended"),
        status.out());
    List<Run> runs = history("demo");
    assertEquals(2, runs.size());
    assertEquals(MachineExit.Kind.UNKNOWN, runs.get(1).end().kind());
  }

  @Test
  void aQemuThatPowersOffWithNoAppWatchingGetsItsEnd() throws Exception {
    CliProcess cli = new CliProcess(home);
    CliProcess.Result created = cli.createX86("x86");
    assertEquals(0, created.status(), created.err());
    assertEquals(0, cli.run("start", "x86").status());
    // the guest powers itself off once it booted: the button, pressed until acpid answers
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    CliProcess.Result down;
    do {
      down = cli.run("power", "x86", "button", "--wait", "--timeout", "5");
    } while (down.status() != 0 && System.nanoTime() < deadline);
    assertEquals(0, down.status(), down.err());
    CliProcess.Result status = cli.run("status", "x86");
    assertTrue(status.out().contains("shut off"), status.out());
    assertTrue(status.out().contains("QEMU ended while no Berth watched it"), status.out());
    List<Run> runs = history("x86");
    assertEquals(1, runs.size());
    assertNotNull(runs.get(0).end(), "the run has its end");
  }

  private static void awaitLine(Process p, String text) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = r.readLine();
    } while (line != null && !line.contains(text));
    assertNotNull(line, "no \"" + text + "\"");
  }
}
