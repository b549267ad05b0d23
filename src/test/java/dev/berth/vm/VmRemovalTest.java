package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a VM with what Berth made for it: a disk file and a directory of snapshots. */
class VmRemovalTest {
  @TempDir Path home;

  private List<Path> made() throws Exception {
    Path disks =
        PrivateFiles.directory(Files.createDirectories(home.resolve("state")).resolve("disks"));
    Path disk = Files.write(disks.resolve("linux.img"), new byte[512]);
    Path snaps = PrivateFiles.directory(home.resolve("state").resolve("snapshots"));
    Path mine = PrivateFiles.directory(snaps.resolve("linux"));
    Files.createDirectories(mine.resolve("first"));
    Files.write(mine.resolve("first").resolve("disk-0.img"), new byte[512]);
    return List.of(disk, mine);
  }

  private VmStore store() throws Exception {
    VmStore store = new VmStore(home.resolve("config"));
    store.save(VmSpec.defaultLinux());
    return store;
  }

  @Test
  void withItsDataTheDiskAndTheSnapshotsGo() throws Exception {
    List<Path> made = made();
    VmRemoval.Done done = VmRemoval.delete(store(), "linux", made, true, Clock.systemUTC());
    assertEquals(made, done.deleted());
    made.forEach(p -> assertFalse(Files.exists(p), p + " is gone"));
  }

  @Test
  void withoutItTheyAreKeptAside() throws Exception {
    List<Path> made = made();
    Clock at = Clock.fixed(Instant.parse("2026-12-01T15:00:00Z"), ZoneOffset.UTC);
    VmRemoval.Done done = VmRemoval.delete(store(), "linux", made, false, at);
    assertEquals(2, done.keptAs().size());
    done.keptAs().forEach(p -> assertTrue(Files.exists(p), p + " is kept"));
    assertTrue(Files.exists(done.keptAs().get(1).resolve("first/disk-0.img")));
  }
}
