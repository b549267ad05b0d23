package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.ShutdownCause;
import dev.berth.testing.TestSession;
import dev.berth.vm.Run;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code poweroff} typed in the bundled Linux guest: nobody pressed a button, yet the run keeps the
 * guest's own shutdown steps (the lines it printed from the command to the power-off), as the
 * timeline shows them for a shutdown that was asked for — and nothing it printed before.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LinuxOwnShutdownStepsTest {
  private TestSession rig;

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void poweroffTypedInTheGuestKeepsItsShutdownSteps() throws Exception {
    rig = TestSession.of("lo", VmSpec.defaultLinux());
    rig.session.start().get(60, TimeUnit.SECONDS);
    rig.watch.awaitState(VmState.RUNNING, 60);
    rig.watch.typeUntil("echo up-$((6*7))", "up-42", 120);
    rig.session.type("poweroff\n".getBytes(StandardCharsets.UTF_8));
    Run run = rig.watch.lastRun(rig.history);

    assertEquals(ShutdownCause.GUEST_SHUTDOWN, run.end().cause(), "" + run);
    assertTrue(
        run.segments().stream().noneMatch(s -> s.state() == VmState.POWERING_DOWN),
        "nobody asked: " + run.segments());
    List<String> steps = run.steps().stream().map(Run.ConsoleLine::text).toList();
    assertTrue(!steps.isEmpty(), "the guest's own shutdown left no steps: " + run);
    // the command begins them (the tty's echo may come first if the shell is not yet reading)
    assertTrue(steps.get(0).endsWith("poweroff"), "the command begins them: " + steps);
    int services = indexOf(steps, "berth-shutdown: poweroff: stopping services");
    int unmount = indexOf(steps, "berth-shutdown: unmounting /data");
    int off = indexOf(steps, "reboot: Power down");
    assertTrue(0 < services && services < unmount && unmount < off, "in order: " + steps);
    assertTrue(steps.stream().noneMatch(l -> l.contains("up-")), "only the shutdown's: " + steps);
    long from = run.steps().get(0).tMicros();
    assertTrue(
        from >= run.startMicros() && run.steps().get(steps.size() - 1).tMicros() >= from,
        "timed within the run");
    // what the app reads next time: the same steps from the history file
    Run read = rig.history.runs("linux").get(0);
    assertEquals(run.steps(), read.steps());
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no step with '" + text + "': " + lines);
  }
}
