package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.agent.GuestAgent;
import dev.berth.backend.bundled.BundledMachines;
import dev.berth.backend.bundled.BundledVm;
import dev.berth.backend.bundled.VmEndpoints;
import dev.berth.core.GuestRun;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped Linux VM ({@code bundled:linux}, its own data disk, the agent on {@code qga.sock}) on
 * the bundled core: libvirt's shutdown order through the real agent and its fallback, the unclean
 * disk a quit leaves, and data that survives shutdown after shutdown.
 */
class LinuxGuestPowerTest {
  private static final Duration BOOT = Duration.ofSeconds(60);

  private BerthDirs dirs;
  private GuestAgent agent;

  @BeforeEach
  void dirs() throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "bl");
    Files.createDirectories(home.resolve("run"));
    dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    agent = new GuestAgent(VmSockets.qga(dirs, "linux"));
  }

  /** Starts the linux VM as the app does (machine and sockets) and waits for its shell. */
  private GuestRun boot() throws Exception {
    GuestRun run =
        new GuestRun(BundledMachines.config(VmSpec.defaultLinux(), dirs)).withTimeout(BOOT);
    run.machine.start();
    VmEndpoints.open(run.machine, dirs, "linux");
    LinuxGuest.awaitShell(run, 1);
    return run;
  }

  /** The agent starts late in the boot: ask until it answers (each probe is bounded). */
  private void awaitAgent() {
    long deadline = System.nanoTime() + BOOT.toNanos();
    while (!agent.probe().answers()) {
      assertTrue(System.nanoTime() < deadline, "the guest agent never answered");
    }
  }

  private static void assertGuestShutdown(GuestRun run) {
    MachineExit end = run.awaitExit();
    assertEquals(MachineExit.Kind.SHUTDOWN, end.kind(), end.describe());
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, end.cause());
    MachineEvent last = run.events().get(run.events().size() - 1);
    assertEquals(MachineEvent.SHUTDOWN, last.name());
    assertEquals(true, last.data().get("guest"));
  }

  @Test
  void shutDownGoesThroughTheAgent() throws Exception {
    try (GuestRun run = boot()) {
      awaitAgent();
      ShutdownPath path = agent.shutDown(run.machine::powerButton);
      assertEquals(ShutdownPath.Via.AGENT, path.via());
      assertGuestShutdown(run);
      assertEquals(List.of(MachineEvent.SHUTDOWN), run.eventNames(), "no button press");
      assertTrue(run.console().contains("berth-shutdown: syncing"), run.console());
    }
  }

  @Test
  void rebootGoesThroughTheAgentAndTheGuestBootsAgain() throws Exception {
    try (GuestRun run = boot()) {
      awaitAgent();
      String how =
          agent.reboot(
              () -> {
                throw new AssertionError("Ctrl+Alt+Del while the agent answers");
              });
      assertEquals("Reboot via the guest agent (guest-shutdown, mode reboot)", how);
      run.awaitEvent(MachineEvent.RESET);
      assertEquals(ShutdownCause.GUEST_RESET, run.events().get(0).cause());
      run.awaitConsole("berth-shutdown: reboot: stopping services");
      run.awaitConsole("berth-linux ready in ", 2);
    }
  }

  @Test
  void withTheAgentStoppedShutDownFallsBackToTheButton() throws Exception {
    try (GuestRun run = boot()) {
      awaitAgent();
      LinuxGuest.awaitAcpid(run);
      run.type("kill $(cat /run/berth-agent.pid); echo agent-$((5*5))\n");
      run.awaitConsole("agent-25");
      ShutdownPath path = agent.shutDown(run.machine::powerButton);
      assertEquals(ShutdownPath.Via.ACPI_BUTTON, path.via());
      assertTrue(path.detail().startsWith("no agent answered"), path.detail());
      assertGuestShutdown(run);
      assertEquals(List.of(MachineEvent.POWERDOWN, MachineEvent.SHUTDOWN), run.eventNames());
    }
  }

  @Test
  void quitLeavesTheDataDiskUncleanForTheNextBoot() throws Exception {
    try (GuestRun run = boot()) {
      run.type("echo before-quit > /data/note; echo noted-$((2*3))\n");
      run.awaitConsole("noted-6");
      run.machine.quit();
      MachineExit end = run.awaitExit();
      assertEquals(ShutdownCause.HOST_QMP_QUIT, end.cause());
    }
    try (GuestRun run = boot()) {
      assertTrue(run.console().contains("was not cleanly unmounted"), run.console());
      assertTrue(run.console().contains("/dev/vda mounted at /data"), run.console());
      run.machine.quit();
      run.awaitExit();
    }
  }

  @Test
  void dataWrittenAndSyncedSurvivesTwentyShutdowns() throws Exception {
    for (int cycle = 1; cycle <= 20; cycle++) {
      try (GuestRun run = boot()) {
        if (cycle > 1) {
          run.type("tail -n 1 /data/cycles\n");
          run.awaitConsole("\ncycle-" + (cycle - 1) + "\r\n");
        }
        run.type("echo cycle-" + cycle + " >> /data/cycles; sync; echo wrote-$((" + cycle + "))\n");
        run.awaitConsole("wrote-" + cycle + "\r\n");
        if (cycle % 2 == 1) {
          LinuxGuest.awaitAcpid(run);
          run.machine.powerButton();
        } else {
          awaitAgent();
          assertEquals(
              ShutdownPath.Via.AGENT,
              agent.shutDown(run.machine::powerButton).via(),
              "cycle " + cycle);
        }
        assertGuestShutdown(run);
      }
    }
  }

  @Test
  void ctrlAltDelOnTheKeyboardRebootsTheGuest() throws Exception {
    BundledVm vm = BundledVm.create(VmSpec.defaultLinux(), dirs);
    try (GuestRun run = new GuestRun(vm.machine()).withTimeout(BOOT)) {
      vm.begin();
      LinuxGuest.awaitShell(run, 1);
      vm.sendCtrlAltDel().get();
      run.awaitEvent(MachineEvent.RESET);
      assertEquals(ShutdownCause.GUEST_RESET, run.events().get(0).cause());
      run.awaitConsole("berth-shutdown: rebooting");
      run.awaitConsole("berth-linux ready in ", 2);
    }
  }
}
