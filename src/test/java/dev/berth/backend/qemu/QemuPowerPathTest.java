package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every power path on real QEMU (x86_64, TCG) with a real Linux guest: the QMP events QEMU emits,
 * in order, and how the run ends — the table of power-paths.md.
 */
class QemuPowerPathTest {
  private static final long BOOT_SECONDS = 90;

  private BerthDirs dirs;
  private Path home;
  private QemuVm vm;
  private final BlockingQueue<MachineEvent> events = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @BeforeAll
  static void guest() throws Exception {
    X86TestGuest.ensureBuilt();
  }

  @BeforeEach
  void dirs() throws IOException {
    // unix socket paths are short (108 bytes): a runtime directory under /tmp
    home = Files.createTempDirectory(Path.of("/tmp"), "bq");
    Files.createDirectories(home.resolve("run"));
    dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
  }

  @AfterEach
  void stop() throws Exception {
    if (vm != null && !vm.exit().isDone()) {
      vm.kill();
      vm.exit().get(10, TimeUnit.SECONDS);
    }
  }

  private QemuVm boot(String machine, String params) throws Exception {
    vm = QemuVm.launch(X86TestGuest.spec("t", machine, params), dirs);
    return boot(vm);
  }

  /** Listens to {@code vm}'s events and console, and waits for the guest's ready line. */
  private QemuVm boot(QemuVm vm) throws Exception {
    vm.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            events.add(e);
          }
        });
    vm.setConsoleSink(
        (b, off, len) -> {
          synchronized (console) {
            console.write(b, off, len);
            console.notifyAll();
          }
        });
    vm.exit()
        .whenComplete(
            (x, e) -> {
              synchronized (console) {
                console.notifyAll();
              }
            });
    vm.startWatching();
    awaitConsole("x86-guest ready", BOOT_SECONDS);
    return vm;
  }

  private void awaitConsole(String text, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    synchronized (console) {
      while (!console.toString(StandardCharsets.UTF_8).contains(text)) {
        long left = deadline - System.nanoTime();
        // QEMU gone: fail now, with why, rather than at the deadline
        if (left <= 0 || vm.exit().isDone()) {
          fail(
              "no \""
                  + text
                  + "\" on the console"
                  + (vm.exit().isDone() ? " (QEMU ended: " + vm.exit().join() + ")" : "")
                  + "\nqemu.log:\n"
                  + logTail()
                  + "\nconsole:\n"
                  + consoleText());
        }
        TimeUnit.NANOSECONDS.timedWait(console, left);
      }
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(vm.runtime().log(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private String consoleText() {
    synchronized (console) {
      return console.toString(StandardCharsets.UTF_8);
    }
  }

  private MachineEvent nextEvent(long seconds) throws InterruptedException {
    return events.poll(seconds, TimeUnit.SECONDS);
  }

  private void assertEvent(String name, ShutdownCause cause) throws InterruptedException {
    MachineEvent e = nextEvent(30);
    assertNotNull(e, "no " + name + " event");
    assertEquals(name, e.name(), "event " + e);
    if (cause != null) {
      assertEquals(cause, e.cause(), "event " + e);
      assertEquals(cause.isGuest(), e.data().get("guest"), "event " + e);
    }
  }

  private MachineExit exit() throws Exception {
    return vm.exit().get(30, TimeUnit.SECONDS);
  }

  private void assertShutdownExit(ShutdownCause cause) throws Exception {
    MachineExit end = exit();
    assertEquals(MachineExit.Kind.SHUTDOWN, end.kind(), end.toString());
    assertEquals(cause, end.cause());
    assertEquals(0, end.exitStatus());
    assertFalse(Files.exists(vm.runtime().pidFile()), "runtime directory cleaned");
  }

  @Test
  void aThrowingListenerIsLoggedAndTheOthersStillGetEveryEvent() throws Exception {
    vm = QemuVm.launch(X86TestGuest.spec("t", "pc", ""), dirs);
    vm.addListener(new dev.berth.testing.ThrowingListener());
    boot(vm);
    vm.powerButton().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.POWERDOWN, null);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN);
    assertShutdownExit(ShutdownCause.GUEST_SHUTDOWN);
    assertFalse(Files.exists(vm.runtime().qmp()), "the runtime directory was cleaned");
  }

  @Test
  void powerButtonWithAcpidPowersOff() throws Exception {
    boot("pc", "");
    vm.powerButton().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.POWERDOWN, null);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN);
    assertShutdownExit(ShutdownCause.GUEST_SHUTDOWN);
  }

  @Test
  void powerButtonIgnoredWithoutAcpidThenForceOff() throws Exception {
    boot("q35", "acpid=0");
    vm.powerButton().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.POWERDOWN, null);
    assertNull(nextEvent(3), "the guest ignores the button: no further event");
    assertEquals(RunState.RUNNING, vm.state());
    vm.type("echo still-$((40+2))\n".getBytes(StandardCharsets.UTF_8));
    awaitConsole("still-42", 20);
    vm.terminate().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.HOST_SIGNAL);
    assertShutdownExit(ShutdownCause.HOST_SIGNAL);
  }

  @Test
  void shutdownUsesTheAgentWhenItAnswers() throws Exception {
    boot("pc", "");
    assertTrue(vm.probeAgent().answers(), vm.probeAgent().describe());
    ShutdownPath path = vm.shutDown().get(20, TimeUnit.SECONDS);
    assertEquals(ShutdownPath.Via.AGENT, path.via());
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN);
    assertShutdownExit(ShutdownCause.GUEST_SHUTDOWN);
  }

  @Test
  void shutdownFallsBackToTheButtonWithoutAnAgent() throws Exception {
    boot("pc", "agent=0");
    ShutdownPath path = vm.shutDown().get(20, TimeUnit.SECONDS);
    assertEquals(ShutdownPath.Via.ACPI_BUTTON, path.via());
    assertTrue(path.detail().startsWith("no agent answered"), path.detail());
    assertEvent(MachineEvent.POWERDOWN, null);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN);
    assertShutdownExit(ShutdownCause.GUEST_SHUTDOWN);
  }

  @Test
  void poweroffTypedInTheGuest() throws Exception {
    boot("pc", "");
    vm.type("poweroff -f\n".getBytes(StandardCharsets.UTF_8));
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN);
    assertShutdownExit(ShutdownCause.GUEST_SHUTDOWN);
  }

  @Test
  void quitIsHostQmpQuit() throws Exception {
    boot("pc", "");
    vm.quit().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.HOST_QMP_QUIT);
    assertShutdownExit(ShutdownCause.HOST_QMP_QUIT);
  }

  @Test
  void sigtermIsHostSignal() throws Exception {
    boot("pc", "");
    vm.terminate().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.HOST_SIGNAL);
    assertShutdownExit(ShutdownCause.HOST_SIGNAL);
  }

  @Test
  void sigintIsHostSignal() throws Exception {
    boot("pc", "");
    vm.interrupt().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.HOST_SIGNAL);
    assertShutdownExit(ShutdownCause.HOST_SIGNAL);
  }

  @Test
  void sigkillEndsWithNoEvent() throws Exception {
    boot("pc", "");
    vm.kill().get(10, TimeUnit.SECONDS);
    MachineExit end = exit();
    assertEquals(MachineExit.Kind.KILLED, end.kind());
    assertEquals(137, end.exitStatus());
    assertNull(events.poll(), "no event after SIGKILL");
  }

  @Test
  void aQemuThatDiesIsACrashWithItsOutput() throws Exception {
    boot("pc", "");
    ProcessSignals.send(ProcessHandle.of(vm.pid()).orElseThrow(), "SEGV");
    MachineExit end = exit();
    assertEquals(MachineExit.Kind.CRASHED, end.kind(), end.toString());
    assertTrue(end.detail().startsWith("QEMU was killed by signal 11"), end.detail());
    assertNull(events.poll(), "no SHUTDOWN: nothing shut down");
  }

  @Test
  void resetRebootsTheGuest() throws Exception {
    boot("pc", "");
    synchronized (console) {
      console.reset();
    }
    vm.reset().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.RESET, ShutdownCause.HOST_QMP_SYSTEM_RESET);
    awaitConsole("x86-guest ready", BOOT_SECONDS);
    vm.quit().get(10, TimeUnit.SECONDS);
    // SeaBIOS resets the board itself once after a warm reset: RESET {guest-reset} may come
    MachineEvent e;
    while ((e = nextEvent(30)) != null && e.name().equals(MachineEvent.RESET)) {
      assertEquals(ShutdownCause.GUEST_RESET, e.cause(), e.toString());
    }
    assertNotNull(e, "no SHUTDOWN after quit");
    assertEquals(MachineEvent.SHUTDOWN, e.name());
    assertEquals(ShutdownCause.HOST_QMP_QUIT, e.cause());
    assertShutdownExit(ShutdownCause.HOST_QMP_QUIT);
  }

  @Test
  void pauseAndResume() throws Exception {
    boot("pc", "");
    vm.pause().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.STOP, null);
    assertEquals(RunState.PAUSED, vm.state());
    vm.resume().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.RESUME, null);
    assertEquals(RunState.RUNNING, vm.state());
  }

  @Test
  void ctrlAltDelReachesTheGuest() throws Exception {
    boot("pc", "");
    // busybox's shell is PID 1's child here, and Linux reboots on Ctrl+Alt+Del when nothing
    // handles it: QEMU reports the guest's reset.
    vm.sendCtrlAltDel().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.RESET, ShutdownCause.GUEST_RESET);
  }

  /** Every chord of the Send key menu is a key list QEMU's send-key takes. */
  @Test
  void everySendKeyChordIsOneQemuTakes() throws Exception {
    boot("pc", "");
    for (dev.berth.vm.KeyChord chord : dev.berth.vm.KeyChord.values()) {
      if (chord != dev.berth.vm.KeyChord.CTRL_ALT_DEL) {
        vm.sendKeys(chord).get(10, TimeUnit.SECONDS);
      }
    }
    assertEquals(RunState.RUNNING, vm.state(), "no chord but Ctrl+Alt+Del restarts the guest");
  }

  /** Reboot with no agent in the guest falls back to Ctrl+Alt+Del: the guest resets. */
  @Test
  void rebootWithoutAnAgentPressesCtrlAltDel() throws Exception {
    boot("pc", "agent=0");
    String how = vm.reboot().get(20, TimeUnit.SECONDS);
    assertTrue(how.startsWith("Reboot via Ctrl+Alt+Del (no agent answered"), how);
    assertEvent(MachineEvent.RESET, ShutdownCause.GUEST_RESET);
  }

  /** With qemu-ga in the guest, Reboot is the agent's: the guest restarts itself. */
  @Test
  void rebootGoesThroughTheAgent() throws Exception {
    boot("pc", "");
    String how = vm.reboot().get(20, TimeUnit.SECONDS);
    assertEquals("Reboot via the guest agent (guest-shutdown, mode reboot)", how);
    assertEvent(MachineEvent.RESET, ShutdownCause.GUEST_RESET);
  }

  @Test
  void reattachesToAQemuAnotherBerthStarted() throws Exception {
    VmSpec spec = X86TestGuest.spec("t", "pc", "");
    QemuVm first = QemuVm.launch(spec, dirs);
    long pid = first.pid();
    // the Berth process that started it goes away: a fresh attach from its runtime directory
    first.detach();
    Optional<QemuVm> again = QemuVm.attach(spec, dirs);
    assertTrue(again.isPresent());
    vm = again.get();
    assertEquals(pid, vm.pid());
    assertFalse(vm.isChild());
    assertEquals(RunState.RUNNING, vm.state());
    List<MachineEvent> seen = new ArrayList<>();
    vm.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            seen.add(e);
            events.add(e);
          }
        });
    vm.startWatching();
    vm.quit().get(10, TimeUnit.SECONDS);
    assertEvent(MachineEvent.SHUTDOWN, ShutdownCause.HOST_QMP_QUIT);
    assertShutdownExit(ShutdownCause.HOST_QMP_QUIT);
  }

  @Test
  void staleRuntimeDirectoryIsNotAttached() throws Exception {
    VmSpec spec = X86TestGuest.spec("t", "pc", "");
    QemuRuntime rt = QemuRuntime.of(dirs, "t");
    Files.createDirectories(rt.dir());
    Files.writeString(rt.pidFile(), "999999999\n");
    assertTrue(QemuVm.attach(spec, dirs).isEmpty());
  }

  @Test
  void missingKernelIsOneReadableError() throws Exception {
    VmSpec spec = X86TestGuest.spec("t", "pc", "").withQemu("x86_64", "pc");
    VmSpec broken =
        new VmSpec(
            spec.name(),
            spec.backend(),
            spec.memoryMiB(),
            home.resolve("no-such-kernel").toString(),
            null,
            "",
            null,
            List.of(),
            30,
            1,
            "x86_64",
            "pc",
            1,
            null);
    IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IOException.class, () -> QemuVm.launch(broken, dirs));
    assertTrue(e.getMessage().startsWith("QEMU did not start"), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-kernel"), e.getMessage());
  }

  /** An x86 PC with no kernel: SeaBIOS finds nothing to boot and waits, sockets open. */
  private static VmSpec idlePc(String machine) {
    return VmSpec.of("p", VmSpec.Backend.QEMU, null).withQemu("x86_64", machine);
  }

  private static String mode(Path p) throws IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void qemusSocketsLogsAndPidFileAreOwnerOnly() throws Exception {
    vm = QemuVm.launch(idlePc("pc"), dirs);
    vm.startWatching();
    QemuRuntime rt = vm.runtime();
    assertEquals("rwx------", mode(rt.dir()));
    for (Path socket : List.of(rt.qmp(), rt.monitor(), rt.serial(), rt.qga(), rt.vnc())) {
      assertEquals("rw-------", mode(socket), socket.toString());
    }
    for (Path file : List.of(rt.pidFile(), rt.log(), rt.serialLog())) {
      assertEquals("rw-------", mode(file), file.toString());
    }
  }

  @Test
  void aHandEditedMachineTypeIsOneLineAndNoQemu() {
    IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IOException.class, () -> QemuVm.launch(idlePc("pc,accel=kvm -device foo"), dirs));
    assertTrue(e.getMessage().contains("not a QEMU machine type"), e.getMessage());
  }
}
