package dev.berth.guest;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Snapshots of the shipped Linux guest on the bundled core, through the session: taken while it
 * runs and reverted while it runs (each STOP then RESUME, as QEMU 7.2's snapshot jobs, and an event
 * on the run's history), RAM and data disk back together; a disk-only snapshot of the VM shut off,
 * reverted while off; a snapshot with memory reverted while off is where the next start goes on.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LinuxSnapshotTest {
  private TestSession rig;
  private VmSession session;
  private SessionWatch watch;
  private RunHistory history;

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  private void boot() throws Exception {
    session.start().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 60);
    watch.typeUntil("echo up-$((6*7))", "up-42", 90);
  }

  /** Writes {@code word} to RAM (/tmp) and to the data disk, synced. */
  private void write(String word) throws Exception {
    watch.typeUntil(
        "echo " + word + " > /tmp/r; echo " + word + " > /data/f; sync; echo w-$((1+1))-" + word,
        "w-2-" + word,
        30);
  }

  private void shutDown() throws Exception {
    session.shutDown().get(30, TimeUnit.SECONDS);
    session.exitFuture().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.SHUT_OFF, 60);
  }

  @Test
  void snapshotsTakenAndRevertedRunningAndOff() throws Exception {
    rig = TestSession.of("sn", VmSpec.defaultLinux());
    history = rig.history;
    session = rig.session;
    watch = rig.watch;
    boot();
    write("one");

    long t0 = System.nanoTime();
    Snapshot first =
        session.takeSnapshot("first", "one in RAM and on disk").get(60, TimeUnit.SECONDS);
    long takeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(first.withMemory());
    assertNotNull(first.thumbnail(), "a thumbnail of the display");
    write("two");
    t0 = System.nanoTime();
    session.revertSnapshot("first").get(60, TimeUnit.SECONDS);
    long revertMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    watch.typeUntil("cat /tmp/r /data/f | tr '\\n' +", "one+one+", 30);

    shutDown();
    Run run = history.runs(session.spec().historyKey()).get(0);
    List<String> events = run.events().stream().map(e -> e.name()).toList();
    // QEMU 7.2's snapshot-save and snapshot-load both stop and resume the guest, and send no RESET
    assertTrue(
        String.join(",", events)
            .contains("STOP,RESUME,SNAPSHOT_SAVED,STOP,RESUME,SNAPSHOT_LOADED,"),
        "snapshot, then revert: " + events);
    assertTrue(
        run.events().stream()
            .anyMatch(
                e -> e.name().equals("SNAPSHOT_LOADED") && "first".equals(e.data().get("tag"))),
        "" + run.events());
    assertFalse(events.contains("RESET"), "" + events);

    Snapshot off = session.takeSnapshot("off", "").get(60, TimeUnit.SECONDS);
    assertFalse(off.withMemory(), "a VM that is off has only its disks");
    boot();
    write("three");
    shutDown();
    session.revertSnapshot("off").get(60, TimeUnit.SECONDS);
    boot();
    watch.typeUntil("cat /data/f | tr '\\n' +", "one+", 30);
    shutDown();

    session.revertSnapshot("first").get(60, TimeUnit.SECONDS); // with memory: Start goes on there
    session.start().get(60, TimeUnit.SECONDS);
    watch.awaitState(VmState.RUNNING, 60);
    watch.typeUntil("cat /tmp/r | tr '\\n' +", "one+", 30);
    List<Run> runs = history.runs(session.spec().historyKey());
    assertEquals(VmState.RESTORING, runs.get(runs.size() - 1).segments().get(0).state());

    assertEquals(List.of("first", "off"), session.snapshots().stream().map(Snapshot::tag).toList());
    session.deleteSnapshot("off").get(30, TimeUnit.SECONDS);
    assertEquals(List.of("first"), session.snapshots().stream().map(Snapshot::tag).toList());
    var missing = session.revertSnapshot("off").handle((ok, e) -> e).get(30, TimeUnit.SECONDS);
    assertNotNull(missing);
    assertTrue(missing.getMessage().contains("linux has no snapshot named off"), "" + missing);
    System.out.printf(
        "Bundled core snapshot, 128 MiB Linux guest with its 32 MiB data disk: take %d ms"
            + " (%d MiB), revert while running %d ms%n",
        takeMillis, first.bytes() >> 20, revertMillis);
  }
}
