package dev.berth.backend.qemu;

import dev.berth.testing.TestSession;
import dev.berth.vm.SessionListener;
import dev.berth.vm.VmSample;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
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
  private final BlockingQueue<VmSample> samples = new LinkedBlockingQueue<>();

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
    rig.session.addListener(
        new SessionListener() {
          @Override
          public void sample(VmSample s) {
            samples.add(s);
          }
        });
    rig.session.start().get(60, TimeUnit.SECONDS);
    rig.watch.awaitState(VmState.RUNNING, 90);
    rig.watch.typeUntil("echo up-$((6*7))", "up-42", 90);
    String idle = awaitSample(c -> c < 30, 30, "an idle guest");
    rig.session.type("while :; do :; done &\n".getBytes(StandardCharsets.UTF_8));
    String busy = awaitSample(c -> c > 80, 30, "a busy guest");
    System.out.printf("QEMU guest CPU samples, %%: idle at the shell%s; busy loop%s%n", idle, busy);
  }

  private String awaitSample(DoublePredicate guestCpu, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    StringBuilder seen = new StringBuilder();
    while (true) {
      VmSample s = samples.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new AssertionError("no guest CPU figure showed " + what + ": " + seen);
      }
      seen.append(String.format(java.util.Locale.ROOT, " %.0f", s.guestCpu()));
      if (!Double.isNaN(s.guestCpu()) && guestCpu.test(s.guestCpu())) {
        return seen.toString();
      }
    }
  }
}
