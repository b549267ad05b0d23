package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.GuestRun;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The power paths of power-paths.md on the bundled core with the real Linux guest deciding: the
 * exact events and causes, the guest's own shutdown steps on the console, and how the run ends.
 */
class LinuxPowerPathTest {
  private static final Path IMAGES = Path.of("resources/guests/linux/images");
  private static ImageSource kernel;

  @BeforeAll
  static void kernel() throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(IMAGES.resolve("Image.gz")))) {
      kernel = new ImageSource("Image", in.readAllBytes());
    }
  }

  /** Boots the guest with {@code params} on its command line and waits for its shell. */
  static GuestRun boot(String params) {
    MachineConfig config;
    try {
      config = config(params);
    } catch (dev.berth.core.boot.ImageException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    GuestRun run = new GuestRun(config);
    run.machine.start();
    LinuxGuest.awaitShell(run, 1);
    return run;
  }

  static MachineConfig config(String params) throws dev.berth.core.boot.ImageException {
    return new MachineConfig(
        "linux",
        MachineConfig.DEFAULT_MEMORY,
        kernel,
        ImageSource.fromPath(IMAGES.resolve("initramfs.cpio.gz")),
        "console=ttyS0 berth.data=0 berth.agent=0 " + params,
        ImageSource.fromPath(IMAGES.resolve("fw_jump.bin")));
  }

  private static void assertShutdown(GuestRun run, ShutdownCause cause) {
    MachineExit end = run.awaitExit();
    assertEquals(MachineExit.Kind.SHUTDOWN, end.kind(), end.describe());
    assertEquals(cause, end.cause());
    MachineEvent last = run.events().get(run.events().size() - 1);
    assertEquals(MachineEvent.SHUTDOWN, last.name());
    assertEquals(cause, last.cause());
    assertEquals(cause.isGuest(), last.data().get("guest"));
  }

  @Test
  void powerButtonWithPolicyPoweroffShutsDownThroughSlpEn() {
    try (GuestRun run = boot("")) {
      LinuxGuest.awaitAcpid(run);
      run.machine.powerButton();
      run.awaitConsole("berth: power button pressed: powering off");
      run.awaitConsole("berth-shutdown: syncing");
      run.awaitConsole("berth-shutdown: powering off");
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of(MachineEvent.POWERDOWN, MachineEvent.SHUTDOWN), run.eventNames());
    }
  }

  @Test
  void powerButtonWithPolicyIgnoreKeepsTheGuestRunning() {
    try (GuestRun run = boot("berth.power=ignore")) {
      LinuxGuest.awaitAcpid(run);
      run.machine.powerButton();
      run.awaitConsole("power button pressed: ignored (policy ignore)");
      run.type("echo alive-$((40+2))\n");
      run.awaitConsole("alive-42");
      assertTrue(run.stillRunningAfter(Duration.ofSeconds(1)));
      assertEquals(List.of(MachineEvent.POWERDOWN), run.eventNames());
      run.machine.terminate();
      assertShutdown(run, ShutdownCause.HOST_SIGNAL);
    }
  }

  @Test
  void poweroffTypedInTheGuest() {
    try (GuestRun run = boot("")) {
      run.type("poweroff\n");
      run.awaitConsole("berth-shutdown: poweroff: stopping services");
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of(MachineEvent.SHUTDOWN), run.eventNames());
    }
  }

  @Test
  void rebootTypedInTheGuestResetsAndBootsAgain() {
    try (GuestRun run = boot("")) {
      run.type("reboot\n");
      run.awaitEvent(MachineEvent.RESET);
      MachineEvent reset = run.events().get(0);
      assertEquals(ShutdownCause.GUEST_RESET, reset.cause());
      assertEquals(true, reset.data().get("guest"));
      run.awaitConsole("berth-linux ready in ", 2);
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
    }
  }

  @Test
  void quitIsAPowerCut() {
    try (GuestRun run = boot("")) {
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
      assertEquals(List.of(MachineEvent.SHUTDOWN), run.eventNames());
    }
  }

  @Test
  void terminateIsHostSignal() {
    try (GuestRun run = boot("")) {
      run.machine.terminate();
      assertShutdown(run, ShutdownCause.HOST_SIGNAL);
    }
  }

  @Test
  void killEndsWithNoEvent() {
    try (GuestRun run = boot("")) {
      run.machine.kill();
      MachineExit end = run.awaitExit();
      assertEquals(MachineExit.Kind.KILLED, end.kind());
      assertEquals(List.of(), run.eventNames());
    }
  }
}
