package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KVM probe: its guest under real QEMU (TCG, which works everywhere), and its verdicts on
 * emulators that hang, crawl or refuse KVM, played by small scripts in QEMU's place.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KvmProbeTest {
  @TempDir Path dir;
  private String savedAccel;

  @BeforeEach
  void noOverride() {
    // The suite may run with BERTH_ACCEL forced; these tests are about the settings themselves.
    savedAccel = System.getProperty("berth.accel");
    System.setProperty("berth.accel", "auto");
  }

  @AfterEach
  void restore() {
    if (savedAccel == null) {
      System.clearProperty("berth.accel");
    } else {
      System.setProperty("berth.accel", savedAccel);
    }
    System.clearProperty("berth.kvmDevice");
  }

  private static Path qemu() throws IOException {
    return QemuInstallation.find("x86_64").binary();
  }

  /** A stand-in for QEMU: a shell script that prints {@code body}'s output as the guest would. */
  private Path fake(String body) throws IOException {
    Path f = dir.resolve("fake-qemu");
    Files.writeString(f, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return f;
  }

  @Test
  void probeGuestReachesEveryStageUnderTcg() throws IOException {
    KvmProbe.Run r = KvmProbe.run(qemu(), "tcg", KvmProbe.DEADLINE_MILLIS, Long.MAX_VALUE);
    assertEquals("RPLWTK", r.stages(), "stages reached under TCG, error: " + r.error());
    assertTrue(r.between('L', 'W') < 2000, "TCG's workload took " + r.between('L', 'W') + " ms");
    // three timer ticks at 100 Hz lie between the workload and the end
    assertTrue(r.between('W', 'T') >= 15, "ticks came too fast: " + r.between('W', 'T') + " ms");
  }

  @Test
  void aGuestStuckInRealModeIsJudgedAtTheDeadlineAndItsEmulatorEnded() throws Exception {
    Path f = fake("printf R; exec sleep 600");
    long t0 = System.nanoTime();
    KvmProbe.Run r = KvmProbe.run(f, "kvm", 1500, 100);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals("R", r.stages());
    assertTrue(took >= 1400 && took < 4000, "judged after " + took + " ms");
    assertFalse(
        ProcessHandle.allProcesses()
            .anyMatch(h -> h.info().commandLine().orElse("").contains("sleep 600")),
        "the hung emulator still runs");
    AccelDecision d = KvmProbe.decide(r, 5, 30);
    assertEquals("TCG: KVM ran no guest past real mode within 5 s", d.describe());
  }

  @Test
  void aWorkloadSlowerThanTwiceTcgIsCutShortAndRejected() throws IOException {
    Path f = fake("printf RPL; exec sleep 600");
    long t0 = System.nanoTime();
    KvmProbe.Run r = KvmProbe.run(f, "kvm", 5000, 200);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals("RPL", r.stages());
    assertTrue(took < 2500, "the slow workload was waited on for " + took + " ms");
    assertEquals(
        "TCG: KVM ran the probe's workload too slowly (not done after 200 ms; TCG took 90 ms)",
        KvmProbe.decide(r, 90, 200).describe());
  }

  @Test
  void aGuestThatResetsAndStartsOverIsJudgedByItsFurthestStage() throws IOException {
    Path f = fake("printf RPRPRP; exec sleep 600");
    KvmProbe.Run r = KvmProbe.run(f, "kvm", 800, 100);
    assertEquals("RP", r.stages());
    assertEquals(
        "TCG: KVM ran no guest into long mode with paging within 5 s",
        KvmProbe.decide(r, 5, 30).describe());
  }

  @Test
  void qemuRefusingKvmGivesItsOwnErrorLine() throws IOException {
    Path f =
        fake(
            "echo 'qemu-system-x86_64: warning: host lacks a feature' >&2\n"
                + "echo 'qemu-system-x86_64: -accel kvm: failed to initialize kvm: Permission"
                + " denied' >&2\nexit 1");
    KvmProbe.Run r = KvmProbe.run(f, "kvm", 5000, 100);
    assertEquals("", r.stages());
    assertEquals(
        "TCG: QEMU refused KVM: qemu-system-x86_64: -accel kvm: failed to initialize kvm:"
            + " Permission denied",
        KvmProbe.decide(r, 5, 30).describe());
  }

  @Test
  void silenceIsNoGuestCodeAtAll() throws IOException {
    KvmProbe.Run r = KvmProbe.run(fake("exec sleep 600"), "kvm", 500, 100);
    assertEquals("TCG: KVM ran no guest code within 5 s", KvmProbe.decide(r, 5, 30).describe());
  }

  @Test
  void aFinishedFastRunEarnsKvmWithWhatItShowed() {
    KvmProbe.Run r = new KvmProbe.Run("RPLWTK", new long[] {40, 41, 42, 45, 80, 81}, null);
    AccelDecision d = KvmProbe.decide(r, 9, 38);
    assertEquals("kvm", d.accel());
    assertEquals(
        "KVM: a probe guest reached long mode, ran its workload in 3 ms (TCG 9 ms) and took timer"
            + " interrupts, 81 ms in all",
        d.describe());
  }

  @Test
  void withoutDevKvmTheAnswerIsTcgAndNothingRuns() throws IOException {
    System.setProperty("berth.kvmDevice", dir.resolve("no-such-kvm").toString());
    QemuInstallation x86 = QemuInstallation.find("x86_64");
    assertEquals(
        "TCG: no " + dir.resolve("no-such-kvm") + " on this host",
        AccelDecision.decide(VmSpec.Accel.AUTO, x86).describe());
    AccelDecision forced = AccelDecision.decide(VmSpec.Accel.KVM, x86);
    assertEquals("kvm", forced.accel());
    assertTrue(forced.warning());
    assertTrue(
        forced.reason().contains("may make no progress: no " + dir.resolve("no-such-kvm")),
        forced.reason());
  }

  @Test
  void riscvGuestsOnThisHostNeverUseKvm() throws IOException {
    assertEquals(
        "TCG: KVM runs riscv64 guests only on a riscv64 host",
        AccelDecision.decide(VmSpec.Accel.AUTO, QemuInstallation.find("riscv64")).describe());
  }

  @Test
  void theVmSettingAndTheHostOverride() throws IOException {
    QemuInstallation x86 = QemuInstallation.find("x86_64");
    assertEquals(
        "TCG: chosen in the VM's settings", AccelDecision.decide(VmSpec.Accel.TCG, x86).describe());
    System.setProperty("berth.accel", "TCG");
    System.setProperty("berth.kvmDevice", dir.resolve("no-such-kvm").toString());
    assertEquals(
        "TCG: chosen in BERTH_ACCEL=tcg", AccelDecision.decide(VmSpec.Accel.KVM, x86).describe());
    System.setProperty("berth.accel", "kvm");
    AccelDecision d = AccelDecision.decide(VmSpec.Accel.TCG, x86);
    assertEquals("kvm", d.accel());
    assertTrue(d.reason().startsWith("forced in BERTH_ACCEL=kvm, but"), d.reason());
  }

  @Test
  void thisHostsVerdictComesWithinTheProbesBounds() throws IOException {
    QemuInstallation x86 = QemuInstallation.find("x86_64");
    long t0 = System.nanoTime();
    AccelDecision d = KvmProbe.verdict(x86);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("KVM probe on this host (" + took + " ms): " + d.describe());
    assertTrue(took < 2 * KvmProbe.DEADLINE_MILLIS + 5000, "the probe took " + took + " ms");
    if (!Files.exists(Path.of("/dev/kvm"))) {
      assertEquals("tcg", d.accel());
    }
    // cached: the second answer costs nothing
    long t1 = System.nanoTime();
    assertEquals(d, KvmProbe.verdict(x86));
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1) < 50);
  }
}
