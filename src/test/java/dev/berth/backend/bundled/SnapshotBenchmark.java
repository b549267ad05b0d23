package dev.berth.backend.bundled;

import dev.berth.core.GuestRun;
import dev.berth.core.Guests;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.vm.BerthDirs;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a snapshot of a running bundled machine costs with a 32 MiB and a 1 GiB disk, each half
 * filled with random data (the rest never written, so a hole): time to take it (state plus disk
 * copy, the guest stopped), time to revert to it (disk written back in place), and the space it
 * takes. {@code mvn test -Dtest=SnapshotBenchmark -DexcludedGroups= -Dgroups=benchmark}
 */
@Tag("benchmark")
class SnapshotBenchmark {
  @Test
  void snapshotCostByDiskSize() throws Exception {
    for (long mib : new long[] {32, 1024}) {
      Path home = Files.createTempDirectory(Path.of("/tmp"), "sb");
      BerthDirs dirs = new BerthDirs(Map.of(), home);
      Path disk = home.resolve("disk.img");
      try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
        f.setLength(mib << 20);
        byte[] block = new byte[1 << 20];
        Random r = new Random(1);
        for (long i = 0; i < mib / 2; i++) {
          r.nextBytes(block);
          f.write(block);
        }
      }
      MachineConfig config =
          MachineConfig.of("bench", Guests.image("pm_button"))
              .withDrives(List.of(new MachineConfig.Drive(disk, false)));
      try (GuestRun run = new GuestRun(new Machine(config))) {
        run.machine.start();
        run.awaitConsole("waiting");
        BundledSnapshots snapshots = new BundledSnapshots(dirs, "bench");
        long t0 = System.nanoTime();
        snapshots.take(run.machine, "s", "").get(10, TimeUnit.MINUTES);
        long take = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        t0 = System.nanoTime();
        snapshots.revert(run.machine, "s").get(10, TimeUnit.MINUTES);
        long revert = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Process du =
            new ProcessBuilder("du", "-sm", BundledSnapshots.directory(dirs, "bench").toString())
                .start();
        String used = new String(du.getInputStream().readAllBytes()).split("\\s")[0];
        du.waitFor();
        System.out.printf(
            "snapshot of a running bundled machine with a %d MiB disk (half data): take %d ms,"
                + " revert %d ms, %s MiB on disk%n",
            mib, take, revert, used);
      }
      dev.berth.vm.FileTrees.delete(home);
    }
  }
}
