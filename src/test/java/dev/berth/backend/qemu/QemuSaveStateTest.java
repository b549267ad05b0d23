package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.InstalledBackends;
import dev.berth.event.MachineExit;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.SessionListener;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Save state on real QEMU: the x86 guest's state goes to one private file through QEMU's migration
 * stream, the run ends as Saved, and the next start loads it so the guest goes on with what only
 * its RAM held; a file QEMU refuses is set aside with one line, and the VM boots.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QemuSaveStateTest {
  private final BlockingQueue<VmState> states = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private VmSession session;
  private RunHistory history;
  private BerthDirs dirs;

  private VmSession session(String name) throws Exception {
    X86TestGuest.ensureBuilt();
    Path home = Files.createTempDirectory(Path.of("/tmp"), "qs");
    Files.createDirectories(home.resolve("run"));
    dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    history = new RunHistory(dirs.state());
    VmSpec spec = X86TestGuest.spec(name, "pc", "");
    session = new VmSession(spec, InstalledBackends.all(), history, dirs);
    session.setConsoleSink(
        (b, off, len) -> {
          synchronized (console) {
            console.write(b, off, len);
            console.notifyAll();
          }
        });
    session.addListener(
        new SessionListener() {
          @Override
          public void stateChanged(VmState s) {
            states.add(s);
          }
        });
    return session;
  }

  @AfterEach
  void end() throws Exception {
    if (session != null && session.isActive()) {
      session.kill().get(30, TimeUnit.SECONDS);
      session.exitFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private void awaitState(VmState wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    VmState s;
    do {
      s = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(s, "never " + wanted);
    } while (s != wanted);
  }

  /** Types {@code line} until the console shows {@code text} after it (input may be early). */
  private void typeUntil(String line, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    int seen;
    synchronized (console) {
      seen = console.size();
    }
    while (true) {
      session.type((line + "\n").getBytes(StandardCharsets.UTF_8));
      synchronized (console) {
        console.wait(2000);
        if (console.toString(StandardCharsets.UTF_8).substring(seen).contains(text)) {
          return;
        }
      }
      assertTrue(System.nanoTime() < deadline, "never '" + text + "':\n" + console);
    }
  }

  private Run lastRun() throws Exception {
    session.exitFuture().get(60, TimeUnit.SECONDS);
    awaitState(VmState.SHUT_OFF);
    List<Run> runs = history.runs(session.spec().historyKey());
    return runs.get(runs.size() - 1);
  }

  @Test
  void theGuestGoesOnWhereItWasSaved() throws Exception {
    session("saved");
    session.start().get(60, TimeUnit.SECONDS);
    awaitState(VmState.RUNNING);
    typeUntil("echo kept-$((6*7)) > /tmp/mark; echo wrote", "wrote\r\n");
    long t0 = System.nanoTime();
    session.saveState().get(120, TimeUnit.SECONDS);
    Run saved = lastRun();
    long saveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertNotNull(saved.end(), "" + saved);
    assertEquals(MachineExit.Kind.SAVED, saved.end().kind(), saved.end().toString());
    Path file = new QemuSavedState(dirs, "saved").file();
    assertTrue(Files.isRegularFile(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    long size = Files.size(file);

    t0 = System.nanoTime();
    session.start().get(120, TimeUnit.SECONDS);
    awaitState(VmState.RUNNING);
    long restoreMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    typeUntil("cat /tmp/mark", "kept-42"); // only the restored RAM holds it
    List<Run> runs = history.runs(session.spec().historyKey());
    assertEquals(VmState.RESTORING, runs.get(1).segments().get(0).state(), "" + runs.get(1));
    assertFalse(Files.exists(file), "taken up by the run it restored");
    System.out.printf(
        "QEMU save state, 256 MiB x86 guest on TCG: save %d ms, file %d MiB, restore to running"
            + " %d ms%n",
        saveMillis, size >> 20, restoreMillis);
  }

  @Test
  void aStateQemuRefusesIsSetAsideAndTheVmBoots() throws Exception {
    session("refused");
    Path file = new QemuSavedState(dirs, "refused").file();
    Files.createDirectories(file.getParent());
    Files.write(file, "not QEMU's migration stream".getBytes(StandardCharsets.UTF_8));
    var failed = session.start().handle((ok, e) -> e).get(60, TimeUnit.SECONDS);
    assertNotNull(failed, "a torn state is not half-loaded");
    assertTrue(failed.getMessage().contains("cannot restore refused's saved state"), "" + failed);
    assertFalse(Files.exists(file));
    try (var aside = Files.list(file.getParent())) {
      assertEquals(1, aside.filter(p -> p.toString().contains(".refused-")).count());
    }
    session.start().get(60, TimeUnit.SECONDS); // and now it boots afresh
    typeUntil("echo booted-$((2*21))", "booted-42");
  }
}
