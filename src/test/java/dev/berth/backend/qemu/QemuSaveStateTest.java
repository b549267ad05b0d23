package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineExit;
import dev.berth.testing.SessionWatch;
import dev.berth.testing.TestSession;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
  private TestSession rig;
  private VmSession session;
  private SessionWatch watch;
  private RunHistory history;
  private BerthDirs dirs;

  private VmSession session(String name) throws Exception {
    X86TestGuest.ensureBuilt();
    rig = TestSession.of("qs", X86TestGuest.spec(name, "pc", ""));
    dirs = rig.dirs;
    history = rig.history;
    session = rig.session;
    watch = rig.watch;
    return session;
  }

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void theGuestGoesOnWhereItWasSaved() throws Exception {
    session("saved");
    session.start().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 90);
    watch.typeUntil("echo kept-$((6*7)) > /tmp/mark; echo wrote", "wrote\r\n", 90);
    long t0 = System.nanoTime();
    session.saveState().get(120, TimeUnit.SECONDS);
    Run saved = watch.lastRun(history);
    long saveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertNotNull(saved.end(), "" + saved);
    assertEquals(MachineExit.Kind.SAVED, saved.end().kind(), saved.end().toString());
    Path file = new QemuSavedState(dirs, "saved").file();
    assertTrue(Files.isRegularFile(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    long size = Files.size(file);

    t0 = System.nanoTime();
    session.start().get(120, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 90);
    long restoreMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    watch.typeUntil("cat /tmp/mark", "kept-42", 90); // only the restored RAM holds it
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
    watch.typeUntil("echo booted-$((2*21))", "booted-42", 90);
  }
}
