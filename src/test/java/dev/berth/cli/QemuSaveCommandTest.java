package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.qemu.X86TestGuest;
import dev.berth.event.MachineExit;
import dev.berth.testing.SessionWatch;
import dev.berth.testing.TestSession;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code berth save} on a QEMU VM that the app's session watches: QEMU's migration stream to the
 * VM's file, then quit, from another process; the watching session records the run as Saved (not as
 * a quit), and its next start restores it with what only RAM held.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QemuSaveCommandTest {
  private TestSession rig;

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void berthSaveFromAnotherProcessIsSeenAsSaved() throws Exception {
    X86TestGuest.ensureBuilt();
    VmSpec spec = X86TestGuest.spec("qsave", "pc", "");
    rig = TestSession.of("qv", spec);
    new VmStore(rig.dirs.config()).save(spec);
    RunHistory history = rig.history;
    VmSession session = rig.session;
    SessionWatch watch = rig.watch;
    Path home = rig.home;
    Path run = home.resolve("run");
    session.start().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 90);
    watch.typeUntil("echo kept-$((6*7)) > /tmp/mark; echo w-$((1+1))", "w-2", 90);

    CliProcess.Result save = new CliProcess(home, run).run("save", "qsave");
    assertEquals(0, save.status(), save.err());
    Run saved = watch.lastRun(history);
    assertEquals(MachineExit.Kind.SAVED, saved.end().kind(), saved.end().toString());

    session.start().get(120, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 90);
    watch.typeUntil("cat /tmp/mark", "kept-42", 90);
    List<Run> runs = history.runs(spec.historyKey());
    assertEquals(VmState.RESTORING, runs.get(1).segments().get(0).state(), "" + runs.get(1));
    assertTrue(saved.end().words().startsWith("Saved"), saved.end().words());
  }
}
