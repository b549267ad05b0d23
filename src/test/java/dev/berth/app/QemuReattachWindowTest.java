package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.backend.qemu.QemuVm;
import dev.berth.backend.qemu.X86TestGuest;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.RunHistory;
import dev.berth.vm.RunRecorder;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A Berth that starts while a QEMU VM of an earlier Berth still runs reattaches to it (state from
 * query-status, events, console, the same history run); a runtime directory whose QEMU is gone is
 * cleaned up and its run recorded as ended abnormally.
 */
@ExtendWith(ApplicationExtension.class)
class QemuReattachWindowTest {
  private BerthApp.Library library;
  private BerthDirs dirs;
  private long pid;

  @Start
  void start(Stage stage) throws Exception {
    X86TestGuest.ensureBuilt();
    dirs = AppDriver.freshDirs("ba");
    VmStore store = new VmStore(dirs.config());
    store.save(X86TestGuest.spec("live", "pc", ""));
    store.save(X86TestGuest.spec("later", "pc", ""));
    store.save(X86TestGuest.spec("gone", "pc", ""));
    RunHistory history = new RunHistory(dirs.state());
    // an earlier Berth started "live" and went away, leaving QEMU running
    QemuVm earlier = QemuVm.launch(X86TestGuest.spec("live", "pc", ""), dirs);
    try (RunRecorder r = history.startRun("live")) {
      r.state(VmState.RUNNING, System.currentTimeMillis() * 1000);
      earlier.recordRun(r.run());
    }
    pid = earlier.pid();
    earlier.detach();
    // and "gone" ran under a Berth that died, and its QEMU is gone too
    QemuRuntime stale = QemuRuntime.of(dirs, "gone");
    Files.createDirectories(stale.dir());
    try (RunRecorder r = history.startRun("gone")) {
      Files.writeString(stale.pidFile(), "999999999\n");
      Files.writeString(stale.runFile(), r.run() + "\n");
    }
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
  }

  private VmViewModel vm(String name) {
    return library.vms().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void reattachesToTheLiveQemuAndRecordsTheGoneOne(FxRobot robot) throws Exception {
    VmViewModel live = vm("live");
    AppDriver.waitFor(30, () -> live.stateProperty().get() == VmState.RUNNING);
    assertTrue(live.messageProperty().get().contains("Reattached"), live.messageProperty().get());
    assertTrue(live.events().stream().anyMatch(e -> e.contains("(reattached) QEMU")));
    assertTrue(live.events().stream().anyMatch(e -> e.contains("pid " + pid)));
    robot.interact(() -> live.perform(dev.berth.vm.VmAction.PAUSE));
    AppDriver.waitFor(20, () -> live.stateProperty().get() == VmState.PAUSED);
    robot.interact(live::quit);
    AppDriver.waitFor(30, () -> live.stateProperty().get() == VmState.SHUT_OFF);
    assertEquals("Emulator quit by host (host-qmp-quit)", live.lastEndProperty().get());
    assertEquals(1, live.runs().size(), "the same run goes on: " + live.runs());
    assertTrue(live.runs().get(0).end() != null);

    VmViewModel gone = vm("gone");
    AppDriver.waitFor(10, () -> gone.lastEndProperty().get().contains("no Berth watched"));
    assertEquals(VmState.SHUT_OFF, gone.stateProperty().get());
    assertEquals(1, gone.runs().size());
    assertEquals(dev.berth.event.MachineExit.Kind.UNKNOWN, gone.runs().get(0).end().kind());
  }

  /**
   * A QEMU VM started from the command line while the window is open (berth start) is taken up at
   * once: state, events, power.
   */
  @Test
  void aVmStartedElsewhereWhileTheWindowIsOpenIsTakenUp(FxRobot robot) throws Exception {
    VmViewModel later = vm("later");
    AppDriver.waitFor(30, () -> vm("live").stateProperty().get() == VmState.RUNNING);
    assertEquals(VmState.SHUT_OFF, later.stateProperty().get());
    // what berth start does for a QEMU VM: launch it detached and note the history run
    QemuVm elsewhere = QemuVm.launch(X86TestGuest.spec("later", "pc", ""), dirs);
    try (RunRecorder r = new RunHistory(dirs.state()).startRun("later")) {
      r.state(VmState.RUNNING, System.currentTimeMillis() * 1000);
      elsewhere.recordRun(r.run());
    }
    elsewhere.detach();
    try {
      AppDriver.waitFor(30, () -> later.stateProperty().get() == VmState.RUNNING);
      AppDriver.waitFor(5, () -> later.messageProperty().get().startsWith("Reattached to later"));
      robot.interact(later::quit);
      AppDriver.waitFor(30, () -> later.stateProperty().get() == VmState.SHUT_OFF);
      assertEquals("Emulator quit by host (host-qmp-quit)", later.lastEndProperty().get());
    } finally {
      // whatever failed, no QEMU outlives the test
      for (VmViewModel m : java.util.List.of(later, vm("live"))) {
        if (m.isActive()) {
          robot.interact(m::quit);
          AppDriver.waitFor(30, () -> !m.isActive());
        }
      }
    }
  }
}
