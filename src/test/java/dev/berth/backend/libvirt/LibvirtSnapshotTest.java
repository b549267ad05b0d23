package dev.berth.backend.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.Snapshot;
import dev.berth.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * libvirt's own snapshots of a domain with a qcow2 disk, through the session: taken and gone back
 * to while it runs (memory too; libvirt 9.0 starts a new QEMU for it, and the run goes on), listed
 * with libvirt's description and state, deleted; a snapshot of the domain off; and one taken while
 * it ran is refused while it is off, with the reason.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LibvirtSnapshotTest {
  @Test
  void snapshotsThroughLibvirt() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "lvs");
    dir.toFile().setExecutable(true, false); // libvirt's QEMU runs as another user
    Path disk = dir.resolve("vda.qcow2");
    Process p =
        new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M")
            .inheritIO()
            .start();
    assertEquals(0, p.waitFor());
    try (LibvirtRig rig = LibvirtRig.withDisk("berth-snap", disk)) {
      rig.boot();
      rig.typeUntil("echo one > /tmp/r; echo w-$((1+1))", "w-2", 30);
      long t0 = System.nanoTime();
      Snapshot s1 = rig.session.takeSnapshot("s1", "one & all").get(120, TimeUnit.SECONDS);
      long takeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(s1.withMemory(), "" + s1);
      assertEquals("one & all", s1.description());
      rig.typeUntil("echo two > /tmp/r; echo w-$((1+2))", "w-3", 30);
      t0 = System.nanoTime();
      rig.session.revertSnapshot("s1").get(120, TimeUnit.SECONDS);
      long revertMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      rig.typeUntil("cat /tmp/r | tr '\\n' +", "one+", 60);

      rig.session.kill().get(60, TimeUnit.SECONDS);
      rig.lastRun();
      // libvirt went back by starting another QEMU: for the user it is the same run, gone on
      assertEquals(1, rig.runs().size(), "" + rig.runs());
      Snapshot off = rig.session.takeSnapshot("off", "").get(60, TimeUnit.SECONDS);
      assertTrue(!off.withMemory(), "" + off);
      var refused = rig.session.revertSnapshot("s1").handle((ok, e) -> e).get(30, TimeUnit.SECONDS);
      assertNotNull(refused);
      assertTrue(refused.getMessage().contains("start it, then go back"), "" + refused);
      rig.session.revertSnapshot("off").get(60, TimeUnit.SECONDS);
      assertEquals(VmState.SHUT_OFF, rig.session.state());
      assertEquals(
          List.of("s1", "off"), rig.session.snapshots().stream().map(Snapshot::tag).toList());
      rig.session.deleteSnapshot("off").get(60, TimeUnit.SECONDS);
      assertEquals(List.of("s1"), rig.session.snapshots().stream().map(Snapshot::tag).toList());
      System.out.printf(
          "libvirt snapshot, 256 MiB x86 guest on TCG, qcow2 disk: take %d ms, revert while"
              + " running %d ms%n",
          takeMillis, revertMillis);
    }
  }
}
