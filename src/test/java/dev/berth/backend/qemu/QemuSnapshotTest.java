package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testing.SessionWatch;
import dev.berth.testing.TestSession;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.Snapshot;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * QEMU's own snapshots on a qcow2 disk (made with qemu-img), through the session: taken and
 * reverted while the x86 guest runs (QEMU's snapshot jobs), listed with Berth's description, a
 * disk-only one while it is off, and a memory snapshot put back while off that the next start
 * loads; a raw disk says why it cannot.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QemuSnapshotTest {
  private VmSession session;
  private SessionWatch watch;
  private RunHistory history;
  private Path home;
  private TestSession rig;

  private void session(String name, boolean qcow2) throws Exception {
    X86TestGuest.ensureBuilt();
    home = Files.createTempDirectory(Path.of("/tmp"), "qn");
    Path disk = home.resolve(name + (qcow2 ? ".qcow2" : ".img"));
    if (qcow2) {
      Process p =
          new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M")
              .inheritIO()
              .start();
      assertEquals(0, p.waitFor());
    } else {
      Files.write(disk, new byte[1 << 20]);
    }
    VmSpec base = X86TestGuest.spec(name, "pc", "");
    VmSpec spec =
        new VmSpec(
            name,
            VmSpec.Backend.QEMU,
            base.memoryMiB(),
            base.kernel(),
            base.initrd(),
            base.append(),
            null,
            List.of(disk.toString()),
            30,
            VmSpec.SCHEMA_VERSION,
            "x86_64",
            "pc",
            1,
            null);
    rig = TestSession.in(home, spec);
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

  private void boot() throws Exception {
    session.start().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 90);
  }

  private void quit() throws Exception {
    session.quit().get(30, TimeUnit.SECONDS);
    session.exitFuture().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.SHUT_OFF, 60);
  }

  @Test
  void snapshotsOnAQcow2Disk() throws Exception {
    session("qsnap", true);
    boot();
    watch.typeUntil("echo one > /tmp/r; echo w-$((1+1))", "w-2", 90);
    long t0 = System.nanoTime();
    Snapshot s1 = session.takeSnapshot("s1", "first").get(120, TimeUnit.SECONDS);
    long takeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(s1.withMemory(), "" + s1);
    assertEquals("first", s1.description());
    watch.typeUntil("echo two > /tmp/r; echo w-$((1+2))", "w-3", 30);
    t0 = System.nanoTime();
    session.revertSnapshot("s1").get(120, TimeUnit.SECONDS);
    long revertMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    watch.typeUntil("cat /tmp/r | tr '\\n' +", "one+", 30);
    quit();
    Run run = history.runs(session.spec().historyKey()).get(0);
    List<String> events = run.events().stream().map(e -> e.name()).toList();
    assertTrue(events.contains("JOB_STATUS_CHANGE"), "QEMU's own job events: " + events);
    assertTrue(
        events.contains("SNAPSHOT_SAVED") && events.contains("SNAPSHOT_LOADED"), "" + events);

    Snapshot off = session.takeSnapshot("off", "").get(60, TimeUnit.SECONDS);
    assertFalse(off.withMemory(), "a VM that is off has only its disks");
    session.revertSnapshot("s1").get(60, TimeUnit.SECONDS);
    boot(); // -loadvm s1
    watch.typeUntil("cat /tmp/r | tr '\\n' +", "one+", 60);
    List<Run> runs = history.runs(session.spec().historyKey());
    assertEquals(VmState.RESTORING, runs.get(runs.size() - 1).segments().get(0).state());
    assertEquals(List.of("s1", "off"), session.snapshots().stream().map(Snapshot::tag).toList());
    session.deleteSnapshot("off").get(60, TimeUnit.SECONDS); // a job: QEMU holds the image
    assertEquals(List.of("s1"), session.snapshots().stream().map(Snapshot::tag).toList());
    System.out.printf(
        "QEMU snapshot, 256 MiB x86 guest on TCG, qcow2 disk: take %d ms (%d MiB of machine"
            + " state), revert while running %d ms%n",
        takeMillis, s1.bytes() >> 20, revertMillis);
  }

  @Test
  void aRawDiskSaysWhySnapshotsCannotBe() throws Exception {
    session("rawsnap", false);
    var failed = session.takeSnapshot("s", "").handle((ok, e) -> e).get(30, TimeUnit.SECONDS);
    assertNotNull(failed);
    assertTrue(failed.getMessage().contains("is not a qcow2 image"), "" + failed);
  }
}
