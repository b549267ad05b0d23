package dev.berth.guest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testing.TestSession;
import dev.berth.vm.VmSample;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Overview's disk I/O figure on the bundled core: the session's samples carry what the Linux
 * guest's virtio-blk disk read and wrote, so the graph moves when the guest writes its data disk.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LinuxDiskIoSampleTest {
  private TestSession rig;

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void writingTheDataDiskShowsInTheDiskFigure() throws Exception {
    rig = TestSession.of("ld", VmSpec.defaultLinux());
    rig.session.start().get(60, TimeUnit.SECONDS);
    rig.watch.awaitState(VmState.RUNNING, 60);
    rig.watch.typeUntil("echo up-$((6*7))", "up-42", 120);
    // measured, and quiet once the boot's reads are over
    rig.watch.awaitSample(
        VmSample::diskBytesPerSecond, s -> !Double.isNaN(s) && s < 64 * 1024, 30, "a quiet disk");
    rig.watch.typeUntil(
        "dd if=/dev/zero of=/data/big bs=64k count=64 conv=fsync 2>/dev/null; echo wrote-$((2+2))",
        "wrote-4",
        60);
    VmSample busy =
        rig.watch
            .awaitSample(VmSample::diskBytesPerSecond, s -> s >= 1024 * 1024, 15, "4 MiB written")
            .sample();
    assertTrue(busy.diskBytesPerSecond() >= 1024 * 1024, "" + busy);
  }
}
