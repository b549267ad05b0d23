package dev.berth.backend.libvirt;

import static dev.berth.backend.libvirt.LibvirtRig.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.ShutdownCause;
import dev.berth.vm.Run;
import dev.berth.vm.VmState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reboot on a libvirt domain is libvirt's own reboot call (not Ctrl+Alt+Del): through the guest
 * agent when it answers, else the ACPI power button, after which libvirt resets the powered-off
 * machine and the run goes on. Against the real libvirtd, as {@link LibvirtPowerPathTest}; a domain
 * name of its own, so it does not meet that test's.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LibvirtRebootTest {
  private static final String NAME = "berth-test-reboot";

  private LibvirtRig rig;

  @AfterEach
  void undefine() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void rebootGoesThroughTheAgentAndSaysSo() throws Exception {
    rig = new LibvirtRig(NAME);
    rig.bootWithAgent();
    Object how = rig.session.reboot().get(60, TimeUnit.SECONDS);
    assertTrue(String.valueOf(how).startsWith("Reboot via the guest agent"), "said: " + how);
    awaitLogged("\"RESET\"", 30);
    rig.typeUntil("echo again-$((6*7))", "again-42", 90); // it booted again: the run goes on
    rig.session.kill().get(30, TimeUnit.SECONDS);
    Run run = rig.lastRun();
    assertEquals(
        "RESET{guest=true, reason=guest-reset}",
        events(run).get(0),
        "the guest restarted itself: " + events(run));
    assertEquals(ShutdownCause.HOST_SIGNAL, run.end().cause(), "" + run);
  }

  @Test
  void withoutAnAgentLibvirtPressesTheButtonThenResetsTheMachine() throws Exception {
    rig = new LibvirtRig(NAME, "agent=0");
    rig.boot();
    Object how = rig.session.reboot().get(60, TimeUnit.SECONDS);
    assertTrue(String.valueOf(how).startsWith("Reboot via the ACPI power button"), "said: " + how);
    // acpid powers the guest off; libvirt then resets and resumes it instead of ending QEMU
    awaitLogged("\"RESET\"", 60);
    rig.awaitState(VmState.RUNNING, 30);
    rig.typeUntil("echo again-$((6*7))", "again-42", 90);
    assertEquals(VmState.RUNNING, rig.session.state());
    rig.session.kill().get(30, TimeUnit.SECONDS);
    Run run = rig.lastRun();
    List<String> seen = events(run);
    assertEquals("POWERDOWN{}", seen.get(0), seen.toString());
    assertEquals("SHUTDOWN{guest=true, reason=guest-shutdown}", seen.get(1), seen.toString());
    assertTrue(seen.contains("RESET{guest=false, reason=host-qmp-system-reset}"), seen.toString());
    // the power-off was not the run's end: libvirt's destroy was
    assertEquals(ShutdownCause.HOST_SIGNAL, run.end().cause(), "" + run);
  }

  /** Waits for a session log line holding {@code text}; fails with the lines seen. */
  private void awaitLogged(String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<String> seen = new java.util.ArrayList<>();
    while (true) {
      String line = rig.log.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no log line with " + text + " in " + seconds + " s: " + seen);
      }
      seen.add(line);
      if (line.contains(text)) {
        return;
      }
    }
  }
}
