package dev.berth.backend.libvirt;

import static dev.berth.backend.libvirt.LibvirtRig.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineExit;
import dev.berth.vm.Run;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Losing the host under a running domain and getting it back: the session shows "Host unreachable"
 * with the reason within seconds, never blocks, and picks the domain up again with its true state
 * once libvirtd answers.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LibvirtLinkTest {
  private static final String NAME = "berth-test-link";
  private LibvirtRig rig;

  @AfterEach
  void restore() throws Exception {
    Libvirtd.ensureUp();
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void aKilledLibvirtdIsUnreachableAndTheRunGoesOnOnceItIsBack() throws Exception {
    rig = new LibvirtRig(NAME);
    rig.bootWithAgent();
    long t0 = System.nanoTime();
    Libvirtd.kill();
    rig.awaitState(VmState.UNREACHABLE, 5);
    long lostMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals("its host cannot be reached", rig.session.disabledReason(VmAction.POWER_BUTTON));
    assertTrue(
        rig.log.stream().anyMatch(l -> l.contains("(host unreachable) the connection")),
        "the reason is logged: " + rig.log);
    // a call now fails at once with the reason, it does not hang
    long c0 = System.nanoTime();
    Throwable failed = rig.session.vm().powerButton().handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
    assertTrue(failed != null && failed.getMessage().contains("cannot be reached"), "" + failed);
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0) < 1000, "failed fast");

    long r0 = System.nanoTime();
    Libvirtd.ensureUp();
    rig.awaitState(VmState.RUNNING, 30);
    System.out.printf(
        "libvirt link: unreachable %d ms after the kill; running again %d ms after libvirtd"
            + " was started%n",
        lostMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0));
    // the events flow again on the new connection: the button powers the guest off
    rig.session.powerButton().get(10, TimeUnit.SECONDS);
    Run run = rig.lastRun();
    assertEquals(
        List.of("POWERDOWN{}", "SHUTDOWN{guest=true, reason=guest-shutdown}"), events(run));
    assertTrue(
        run.segments().stream().anyMatch(s -> s.state() == VmState.UNREACHABLE),
        "the timeline shows the gap: " + run.segments());
  }

  @Test
  void aDomainThatEndedWhileTheHostWasAwayEndsAsUnknown() throws Exception {
    rig = new LibvirtRig(NAME);
    rig.boot();
    Libvirtd.kill();
    rig.awaitState(VmState.UNREACHABLE, 5);
    // QEMU ends while no libvirtd watches (the console went with libvirtd, so a signal it is);
    // the libvirtd started next finds the domain off
    endQemu();
    Libvirtd.ensureUp();
    Run run = rig.lastRun();
    assertEquals(MachineExit.Kind.UNKNOWN, run.end().kind(), run.end().toString());
    assertTrue(run.end().words().contains("could not be reached"), run.end().words());
  }

  @Test
  void aStoppedLibvirtdIsDroppedByTheHeartbeatAndRegained() throws Exception {
    rig = new LibvirtRig(NAME);
    rig.bootWithAgent();
    Libvirtd.stop();
    // a call under way when the heartbeat gives up must stay harmless (libvirt's own keepalive
    // crashed the JVM here) and end once libvirtd goes on
    var inFlight = rig.session.vm().pause();
    rig.awaitState(VmState.UNREACHABLE, 20);
    assertTrue(
        rig.log.stream().anyMatch(l -> l.contains("libvirtd has not answered for 8 s")),
        "the heartbeat's silence is the reason: " + rig.log);
    Libvirtd.cont();
    inFlight.handle((ok, e) -> null).get(20, TimeUnit.SECONDS);
    // the pause asked for before the loss went through once libvirtd went on: the state read on
    // the new connection says so
    rig.awaitState(VmState.PAUSED, 30);
    rig.session.kill().get(30, TimeUnit.SECONDS);
    rig.lastRun();
  }

  /** Ends the QEMU that runs the test domain (named after it), and waits until it has. */
  private static void endQemu() throws Exception {
    for (ProcessHandle p :
        ProcessHandle.allProcesses()
            .filter(
                p ->
                    p.info().commandLine().orElse("").contains("qemu-system")
                        && p.info().commandLine().orElse("").contains("guest=" + NAME))
            .toList()) {
      p.destroy();
      p.onExit().get(30, TimeUnit.SECONDS);
    }
  }
}
