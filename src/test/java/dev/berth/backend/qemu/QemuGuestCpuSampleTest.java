package dev.berth.backend.qemu;

import dev.berth.testing.TestSession;
import dev.berth.vm.VmSample;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Overview's guest CPU figure on QEMU, from the host scheduler's view of QEMU's vCPU thread:
 * low while the x86 guest idles at its shell, high while a loop keeps its CPU busy.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QemuGuestCpuSampleTest {
  private TestSession rig;

  @AfterEach
  void end() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void anIdleGuestAndABusyOneShowApart() throws Exception {
    X86TestGuest.ensureBuilt();
    rig = TestSession.of("qc", X86TestGuest.spec("cpu", "pc", "agent=0"));
    rig.session.start().get(60, TimeUnit.SECONDS);
    rig.watch.awaitState(VmState.RUNNING, 90);
    rig.watch.typeUntil("echo up-$((6*7))", "up-42", 90);
    String idle =
        rig.watch
            .awaitSample(VmSample::guestCpu, c -> !Double.isNaN(c) && c < 30, 30, "an idle guest")
            .figures();
    rig.session.type("while :; do :; done &\n".getBytes(StandardCharsets.UTF_8));
    String busy =
        rig.watch
            .awaitSample(VmSample::guestCpu, c -> !Double.isNaN(c) && c > 80, 30, "a busy guest")
            .figures();
    System.out.printf("QEMU guest CPU samples, %%: idle at the shell%s; busy loop%s%n", idle, busy);
  }
}
