package dev.berth.backend.libvirt;

import static dev.berth.backend.libvirt.LibvirtRig.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testing.LoopbackSsh;
import dev.berth.vm.Run;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A remote host: the local libvirtd reached as {@code qemu+ssh://root@127.0.0.1:PORT/system}
 * through an sshd of the test's own, as any other machine would be. The domain is listed, its
 * console runs over libvirt's stream through ssh, and the power button and QEMU's events work as on
 * a local connection.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RemoteLibvirtTest {
  private static LoopbackSsh ssh;

  @BeforeAll
  static void sshd() throws Exception {
    ssh = LoopbackSsh.start();
  }

  @AfterAll
  static void end() {
    try {
      LibvirtHost.drop(ssh.libvirtUri()); // its ssh process goes with the connection
    } finally {
      ssh.close();
    }
  }

  @Test
  void aDomainOverSshIsListedShownAndPoweredOff() throws Exception {
    String remote = ssh.libvirtUri();
    try (LibvirtRig rig = LibvirtRig.via(remote, "berth-test-remote")) {
      assertTrue(
          LibvirtBackend.discover(remote).stream()
              .anyMatch(s -> s.name().equals("berth-test-remote")),
          "listed over ssh");
      rig.bootWithAgent(); // the console showed the guest's ready line over ssh
      rig.session.type("echo over-$((6*7))-ssh\n".getBytes(StandardCharsets.UTF_8));
      rig.awaitConsole("over-42-ssh", 10);

      long t0 = System.nanoTime();
      rig.session.pause();
      rig.awaitState(VmState.PAUSED, 10);
      long pause = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      t0 = System.nanoTime();
      rig.session.resume();
      rig.awaitState(VmState.RUNNING, 10);
      long resume = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf(
          "libvirt over ssh, request to state shown: pause %d ms, resume %d ms%n", pause, resume);

      // libvirt hands a graphics descriptor over its local socket only: over ssh the display
      // says why in one line instead of opening a port
      String noDisplay =
          rig.log.stream()
              .filter(l -> l.contains("(no display) no graphical console"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("a display over ssh? " + rig.log));
      System.out.println("libvirt over ssh: " + noDisplay);
      rig.session.powerButton().get(10, TimeUnit.SECONDS);
      rig.awaitState(VmState.POWERING_DOWN);
      Run run = rig.lastRun();
      assertEquals(
          List.of(
              "STOP{}", "RESUME{}", "POWERDOWN{}", "SHUTDOWN{guest=true, reason=guest-shutdown}"),
          events(run));
    }
  }
}
