package dev.berth.backend.libvirt;

import static dev.berth.backend.libvirt.LibvirtRig.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import dev.berth.vm.Run;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The power paths through a real libvirtd (qemu:///system, started by scripts/libvirtd.sh) on a
 * domain made from the x86 test guest: each path is libvirt's own call, and the session sees the
 * states, QEMU's events and the end that power-paths.md gives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibvirtPowerPathTest {
  static final String URI = LibvirtTestDomain.URI;
  private static final String NAME = "berth-test-x86";

  private LibvirtRig rig;

  private LibvirtRig rig(String... params) throws Exception {
    rig = new LibvirtRig(NAME, params);
    return rig;
  }

  @AfterEach
  void undefine() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void theHostListsItsDomains() throws Exception {
    rig();
    assertTrue(
        LibvirtBackend.discover(URI).stream().anyMatch(s -> s.name().equals(NAME)),
        "the defined domain is listed");
    assertEquals(
        "shut off", LibvirtBackend.domainState(VmSpec.libvirt(NAME, URI)).words().split(" \\(")[0]);
  }

  @Test
  void powerButtonWithAcpidPowersOff() throws Exception {
    LibvirtRig r = rig();
    r.bootWithAgent();
    r.session.powerButton().get(10, TimeUnit.SECONDS);
    r.awaitState(VmState.POWERING_DOWN);
    Run run = r.lastRun();
    assertEquals(
        List.of("POWERDOWN{}", "SHUTDOWN{guest=true, reason=guest-shutdown}"), events(run));
    assertEquals(MachineExit.Kind.SHUTDOWN, run.end().kind());
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, run.end().cause());
  }

  @Test
  void shutDownGoesThroughTheAgent() throws Exception {
    LibvirtRig r = rig();
    r.bootWithAgent();
    Object path = r.session.shutDown().get(30, TimeUnit.SECONDS);
    assertEquals(ShutdownPath.Via.AGENT, ((ShutdownPath) path).via());
    Run run = r.lastRun();
    assertEquals(List.of("SHUTDOWN{guest=true, reason=guest-shutdown}"), events(run));
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, run.end().cause());
  }

  @Test
  void forceOffIsLibvirtsDestroy() throws Exception {
    LibvirtRig r = rig();
    r.bootWithAgent();
    r.session.forceOff().get(30, TimeUnit.SECONDS);
    Run run = r.lastRun();
    assertEquals(List.of("SHUTDOWN{guest=false, reason=host-signal}"), events(run));
    assertEquals(ShutdownCause.HOST_SIGNAL, run.end().cause());
  }

  @Test
  void terminateIsTheGracefulDestroy() throws Exception {
    LibvirtRig r = rig();
    r.bootWithAgent();
    r.session.terminate().get(30, TimeUnit.SECONDS);
    Run run = r.lastRun();
    assertEquals(ShutdownCause.HOST_SIGNAL, run.end().cause(), run.toString());
  }

  @Test
  void quitGoesThroughLibvirtsMonitor() throws Exception {
    LibvirtRig r = rig();
    r.bootWithAgent();
    r.session.quit().get(30, TimeUnit.SECONDS);
    Run run = r.lastRun();
    assertEquals(List.of("SHUTDOWN{guest=false, reason=host-qmp-quit}"), events(run));
    assertTrue(
        r.messages.stream().anyMatch(m -> m.contains("tainted (custom-monitor)")),
        "libvirt's taint warning is said: " + r.messages);
    assertEquals(ShutdownCause.HOST_QMP_QUIT, run.end().cause());
  }

  @Test
  void pauseResumeAndResetAreQemusEvents() throws Exception {
    LibvirtRig r = rig();
    r.bootWithAgent();
    long t0 = System.nanoTime();
    r.session.pause();
    r.awaitState(VmState.PAUSED);
    long pause = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    t0 = System.nanoTime();
    r.session.resume();
    r.awaitState(VmState.RUNNING);
    long resume = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.printf(
        "libvirt on this machine, request to state shown: pause %d ms, resume %d ms%n",
        pause, resume);
    r.session.reset().get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (r.runs().get(0).events().stream().noneMatch(e -> e.name().equals("RESET"))) {
      assertTrue(System.nanoTime() < deadline, "no RESET event");
      Thread.sleep(100); // the history file is what is checked
    }
    r.session.kill().get(30, TimeUnit.SECONDS);
    Run run = r.lastRun();
    List<String> names = run.events().stream().map(e -> e.name()).toList();
    assertEquals(List.of("STOP", "RESUME", "RESET"), names.subList(0, 3), names.toString());
  }

  @Test
  void anIgnoredButtonLeavesItPoweringDownUntilForceOff() throws Exception {
    LibvirtRig r = rig("acpid=0");
    r.boot();
    r.session.powerButton().get(10, TimeUnit.SECONDS);
    r.awaitState(VmState.POWERING_DOWN);
    // nothing handles the button: after a while the guest still runs, and only destroy ends it
    assertEquals(null, r.states.poll(3, TimeUnit.SECONDS), "the guest ignores the button");
    assertEquals(VmState.POWERING_DOWN, r.session.state());
    r.session.forceOff().get(30, TimeUnit.SECONDS);
    Run run = r.lastRun();
    assertEquals(List.of("POWERDOWN{}", "SHUTDOWN{guest=false, reason=host-signal}"), events(run));
  }

  @Test
  void withoutAnAgentShutDownPressesTheButton() throws Exception {
    LibvirtRig r = rig("agent=0");
    r.boot(); // the shell runs: init has started acpid
    Object path = r.session.shutDown().get(30, TimeUnit.SECONDS);
    assertEquals(ShutdownPath.Via.ACPI_BUTTON, ((ShutdownPath) path).via(), path.toString());
    // the guest prints its ready line as acpid starts, not once it listens (with no agent to
    // wait for, at once): a press that came too early is pressed again, as a user would
    for (int i = 0; i < 3 && !r.session.exitFuture().isDone(); i++) {
      try {
        r.session.exitFuture().get(15, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        r.session.powerButton().get(10, TimeUnit.SECONDS);
      }
    }
    Run run = r.lastRun();
    List<String> seen = events(run);
    assertEquals("POWERDOWN{}", seen.get(0), seen.toString());
    assertEquals("SHUTDOWN{guest=true, reason=guest-shutdown}", seen.get(seen.size() - 1));
  }

  @Test
  void poweroffTypedOnTheConsoleIsTheGuestsOwnShutdown() throws Exception {
    LibvirtRig r = rig();
    r.boot();
    r.session.type("echo typed-$((6*7))\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    r.awaitConsole("typed-42", 10); // the console stream carries both ways
    r.session.type("poweroff -f\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Run run = r.lastRun();
    assertEquals(List.of("SHUTDOWN{guest=true, reason=guest-shutdown}"), events(run));
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, run.end().cause());
  }

  @Test
  void ctrlAltDelReachesTheGuestsKeyboard() throws Exception {
    LibvirtRig r = rig();
    r.boot();
    r.session.ctrlAltDel().get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (r.runs().get(0).events().stream().noneMatch(e -> e.name().equals("RESET"))) {
      assertTrue(System.nanoTime() < deadline, "no RESET after Ctrl+Alt+Del: " + r.log);
      Thread.sleep(100); // the history file is what is checked
    }
    assertEquals(
        "RESET{guest=true, reason=guest-reset}",
        events(r.runs().get(0)).get(0),
        "Linux reboots on Ctrl+Alt+Del when nothing handles it");
    r.session.kill().get(30, TimeUnit.SECONDS);
    r.lastRun();
  }

  @Test
  void theGraphicalConsoleComesThroughLibvirtsDescriptor() throws Exception {
    LibvirtRig r = rig();
    var shown = new java.util.concurrent.CompletableFuture<dev.berth.display.GuestDisplay>();
    r.session.addListener(
        new dev.berth.vm.SessionListener() {
          @Override
          public void display(dev.berth.display.GuestDisplay d) {
            shown.complete(d);
          }
        });
    r.boot();
    dev.berth.display.GuestDisplay d = shown.get(30, TimeUnit.SECONDS);
    // the VGA card's text screen, through the VNC server that listens on no port
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (java.util.Arrays.stream(d.screen().pixels()).allMatch(p -> (p & 0xffffff) == 0)) {
      assertTrue(System.nanoTime() < deadline, "the screen stayed black");
      Thread.sleep(100); // frames arrive on the RFB reader's own time
    }
    assertTrue(d.screen().width() >= 640, "width " + d.screen().width());
    r.session.kill().get(30, TimeUnit.SECONDS);
    r.lastRun();
  }

  @Test
  void aRunThatEndedWhileNoBerthWatchedEndsWhenTheAppComesBack() throws Exception {
    LibvirtRig r = rig();
    // a Berth recorded the run's start and went away; the domain is off now
    String key = r.session.spec().historyKey();
    r.history.startRun(key).state(VmState.RUNNING, dev.berth.event.MachineEvent.nowMicros());
    dev.berth.vm.VmSession back =
        new dev.berth.vm.VmSession(
            r.session.spec(),
            dev.berth.backend.InstalledBackends.all(),
            r.history,
            new dev.berth.vm.BerthDirs(
                java.util.Map.of(), java.nio.file.Files.createTempDirectory("lv")));
    var ended = new java.util.concurrent.CompletableFuture<String>();
    back.addListener(
        new dev.berth.vm.SessionListener() {
          @Override
          public void lastEnd(String words) {
            if (!words.isEmpty()) {
              ended.complete(words);
            }
          }
        });
    back.reattach();
    assertEquals(
        "Last run: Ended, exit status unknown: libvirt says it is shut off",
        ended.get(20, TimeUnit.SECONDS).split(" \\(")[0]);
    assertEquals(MachineExit.Kind.UNKNOWN, r.runs().get(0).end().kind());
  }

  @Test
  void saveStateEndsTheRunAndStartGoesOnWhereTheGuestWas() throws Exception {
    LibvirtRig r = rig();
    r.boot();
    // something only the guest's RAM holds: a shell variable's worth, in tmpfs
    r.session.type(
        "echo kept-$((6*7)) > /tmp/mark\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    long t0 = System.nanoTime();
    r.session.saveState().get(60, TimeUnit.SECONDS);
    r.awaitState(VmState.SAVING);
    Run saved = r.lastRun();
    long saveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(MachineExit.Kind.SAVED, saved.end().kind(), saved.end().toString());
    assertEquals("Saved: libvirt's managed save: Start restores it", saved.end().words());
    assertTrue(saved.segments().stream().anyMatch(s -> s.state() == VmState.SAVING), "" + saved);

    t0 = System.nanoTime();
    r.session.start().get(60, TimeUnit.SECONDS);
    r.awaitState(VmState.RUNNING);
    long restoreMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    r.typeUntil("cat /tmp/mark", "kept-42", 20); // only cat prints 42: the guest's RAM came back
    List<Run> runs = r.runs();
    assertEquals(VmState.RESTORING, runs.get(1).segments().get(0).state(), "" + runs.get(1));
    assertTrue(r.log.stream().anyMatch(l -> l.contains("(restored)")), "" + r.log);
    System.out.printf(
        "libvirt managed save of the 256 MiB x86 guest: save %d ms, restore to running %d ms%n",
        saveMillis, restoreMillis);
    r.session.kill().get(30, TimeUnit.SECONDS);
    r.lastRun();
  }
}
