package dev.berth.backend.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.InstalledBackends;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.SessionListener;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

  private LibvirtTestDomain domain;

  private BerthDirs dirs;
  private RunHistory history;
  private VmSession session;
  private final BlockingQueue<VmState> states = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

  @BeforeEach
  void define() throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "lv");
    Files.createDirectories(home.resolve("run"));
    dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    history = new RunHistory(dirs.state());
    domain = LibvirtTestDomain.define(NAME);
    session = new VmSession(VmSpec.libvirt(NAME, URI), InstalledBackends.all(), history, dirs);
    session.addListener(
        new SessionListener() {
          @Override
          public void stateChanged(VmState s) {
            states.add(s);
          }

          @Override
          public void logged(String line) {
            log.add(line);
          }
        });
  }

  @AfterEach
  void undefine() throws Exception {
    domain.close();
  }

  /** Starts the domain and waits until its guest agent answers (acpid is up before it). */
  private void boot() throws Exception {
    session.start().get(30, TimeUnit.SECONDS);
    awaitState(VmState.RUNNING);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!session.vm().probeAgent().answers()) {
      assertTrue(System.nanoTime() < deadline, "the guest agent never answered");
      Thread.sleep(250); // each probe is a libvirt agent command; nothing to wait on instead
    }
  }

  private void awaitState(VmState wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    VmState s;
    do {
      s = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(s, "never " + wanted);
    } while (s != wanted);
  }

  private Run lastRun() throws Exception {
    session.exitFuture().get(60, TimeUnit.SECONDS);
    awaitState(VmState.SHUT_OFF);
    List<Run> runs = history.runs(NAME);
    return runs.get(runs.size() - 1);
  }

  private static List<String> events(Run r) {
    return r.events().stream().map(e -> e.name() + e.data()).toList();
  }

  @Test
  void theHostListsItsDomains() throws Exception {
    assertTrue(
        LibvirtBackend.discover(URI).stream().anyMatch(s -> s.name().equals(NAME)),
        "the defined domain is listed");
    assertEquals(
        "shut off", LibvirtBackend.domainState(VmSpec.libvirt(NAME, URI)).words().split(" \\(")[0]);
  }

  @Test
  void powerButtonWithAcpidPowersOff() throws Exception {
    boot();
    session.powerButton().get(10, TimeUnit.SECONDS);
    awaitState(VmState.POWERING_DOWN);
    Run r = lastRun();
    assertEquals(List.of("POWERDOWN{}", "SHUTDOWN{guest=true, reason=guest-shutdown}"), events(r));
    assertEquals(MachineExit.Kind.SHUTDOWN, r.end().kind());
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, r.end().cause());
  }

  @Test
  void shutDownGoesThroughTheAgent() throws Exception {
    boot();
    Object path = session.shutDown().get(30, TimeUnit.SECONDS);
    assertEquals(ShutdownPath.Via.AGENT, ((ShutdownPath) path).via());
    Run r = lastRun();
    assertEquals(List.of("SHUTDOWN{guest=true, reason=guest-shutdown}"), events(r));
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, r.end().cause());
  }

  @Test
  void forceOffIsLibvirtsDestroy() throws Exception {
    boot();
    session.forceOff().get(30, TimeUnit.SECONDS);
    Run r = lastRun();
    assertEquals(List.of("SHUTDOWN{guest=false, reason=host-signal}"), events(r));
    assertEquals(ShutdownCause.HOST_SIGNAL, r.end().cause());
  }

  @Test
  void terminateIsTheGracefulDestroy() throws Exception {
    boot();
    session.terminate().get(30, TimeUnit.SECONDS);
    Run r = lastRun();
    assertEquals(ShutdownCause.HOST_SIGNAL, r.end().cause(), r.toString());
  }

  @Test
  void quitGoesThroughLibvirtsMonitor() throws Exception {
    boot();
    session.quit().get(30, TimeUnit.SECONDS);
    Run r = lastRun();
    assertEquals(List.of("SHUTDOWN{guest=false, reason=host-qmp-quit}"), events(r));
    assertEquals(ShutdownCause.HOST_QMP_QUIT, r.end().cause());
  }

  @Test
  void pauseResumeAndResetAreQemusEvents() throws Exception {
    boot();
    session.pause().get(10, TimeUnit.SECONDS);
    awaitState(VmState.PAUSED);
    session.resume().get(10, TimeUnit.SECONDS);
    awaitState(VmState.RUNNING);
    session.reset().get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (history.runs(NAME).get(0).events().stream().noneMatch(e -> e.name().equals("RESET"))) {
      assertTrue(System.nanoTime() < deadline, "no RESET event");
      Thread.sleep(100); // the history file is what is checked
    }
    session.kill().get(30, TimeUnit.SECONDS);
    Run r = lastRun();
    List<String> names = r.events().stream().map(e -> e.name()).toList();
    assertEquals(List.of("STOP", "RESUME", "RESET"), names.subList(0, 3), names.toString());
  }
}
