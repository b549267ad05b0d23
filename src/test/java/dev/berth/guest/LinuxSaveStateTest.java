package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.agent.GuestAgent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import dev.berth.testing.SessionWatch;
import dev.berth.testing.TestSession;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Save state on the bundled core with the shipped Linux guest, through the session the app uses: a
 * shell loop saved while it prints goes on counting after Start, with what only RAM held, its data
 * disk, its agent and its keyboard working; a damaged state is set aside and the VM boots.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LinuxSaveStateTest {
  private static final Pattern LOOP = Pattern.compile("loop-(\\d+)");

  private TestSession rig;
  private VmSession session;
  private SessionWatch watch;
  private RunHistory history;
  private BerthDirs dirs;

  private void session() throws Exception {
    rig = TestSession.of("ls", VmSpec.defaultLinux());
    dirs = rig.dirs;
    history = rig.history;
    session = rig.session;
    watch = rig.watch;
  }

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  private static int lastLoop(String console) {
    Matcher m = LOOP.matcher(console);
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  private Path stateFile() {
    return dirs.state().resolve("saved").resolve("linux.berth-state");
  }

  @Test
  void aShellLoopSavedWhileItPrintsGoesOnAfterStart() throws Exception {
    session();
    long t0 = System.nanoTime();
    session.start().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 60);
    watch.typeUntil("echo up-$((6*7))", "up-42", 90);
    long bootMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    watch.typeUntil(
        "echo kept-on-disk > /data/keep; sync; echo ram-$((3*3)) > /tmp/mark; echo wrote-$((2+2))",
        "wrote-4",
        30);
    session.type(
        "(i=0; while true; do echo loop-$i; i=$((i+1)); sleep 0.2; done) &\n"
            .getBytes(StandardCharsets.UTF_8));
    watch.awaitConsole("loop-5", 30);

    t0 = System.nanoTime();
    session.saveState().get(120, TimeUnit.SECONDS);
    Run saved = watch.lastRun(history);
    long saveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertNotNull(saved.end(), "" + saved);
    assertEquals(MachineExit.Kind.SAVED, saved.end().kind(), saved.end().toString());
    assertTrue(saved.segments().stream().anyMatch(s -> s.state() == VmState.SAVING), "" + saved);
    Path file = stateFile();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    long size = Files.size(file);
    int before = lastLoop(watch.console());
    int consoleAt = watch.console().length();

    t0 = System.nanoTime();
    session.start().get(120, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 60);
    long restoreMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    watch.awaitConsole("loop-" + (before + 3), 30);
    String after = watch.console().substring(consoleAt);
    assertFalse(after.contains("berth-linux ready"), "it went on, it did not boot:\n" + after);
    assertTrue(after.contains("loop-" + (before + 1)), "the loop goes on from " + before);
    t0 = System.nanoTime();
    watch.typeUntil("cat /tmp/mark", "ram-9", 30); // only the restored RAM holds it
    long shellMillis = restoreMillis + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    watch.typeUntil("cat /data/keep", "kept-on-disk", 30);
    assertFalse(Files.exists(file), "taken up by the run it restored");
    List<Run> runs = history.runs(session.spec().historyKey());
    assertEquals(VmState.RESTORING, runs.get(1).segments().get(0).state(), "" + runs.get(1));

    GuestAgent agent = new GuestAgent(VmSockets.qga(dirs, "linux"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!agent.probe().answers()) {
      assertTrue(System.nanoTime() < deadline, "the agent never answered after the restore");
    }
    int beforeReboot = watch.console().length();
    session.ctrlAltDel().get(30, TimeUnit.SECONDS); // the restored keyboard: the guest reboots
    watch.awaitConsoleAfter(beforeReboot, "berth-linux ready", 60);
    while (!agent.probe().answers()) {
      assertTrue(System.nanoTime() < deadline + 60_000_000_000L, "no agent after the reboot");
    }
    ShutdownPath path = (ShutdownPath) session.shutDown().get(30, TimeUnit.SECONDS);
    assertEquals(ShutdownPath.Via.AGENT, path.via(), path.describe());
    Run last = watch.lastRun(history);
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, last.end().cause(), last.end().toString());
    System.out.printf(
        "Bundled core save state, 128 MiB Linux guest: boot to shell %d ms; save %d ms, file %d"
            + " MiB; restore to running %d ms, to a shell that answers %d ms%n",
        bootMillis, saveMillis, size >> 20, restoreMillis, shellMillis);
  }

  @Test
  void aDamagedStateIsSetAsideAndTheVmBoots() throws Exception {
    session();
    Path file = stateFile();
    Files.createDirectories(file.getParent());
    Files.write(file, "BERTH-STATE\nbut nothing after it".getBytes(StandardCharsets.UTF_8));
    var failed = session.start().handle((ok, e) -> e).get(60, TimeUnit.SECONDS);
    assertNotNull(failed, "a damaged state is not half-loaded");
    assertTrue(failed.getMessage().contains("cannot restore linux's saved state"), "" + failed);
    assertTrue(failed.getMessage().contains("the next start boots afresh"), "" + failed);
    assertFalse(Files.exists(file));
    try (var aside = Files.list(file.getParent())) {
      assertEquals(1, aside.filter(p -> p.toString().contains(".refused-")).count());
    }
    session.start().get(60, TimeUnit.SECONDS);
    watch.typeUntil("echo booted-$((2*21))", "booted-42", 90);
  }
}
