package dev.berth.backend.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether KVM may run a host's x86_64 guests: only once a probe guest has shown, under
 * {@code -accel kvm}, that it leaves real mode, turns on paging in long mode, runs a fixed workload
 * no slower than TCG runs it, and takes timer interrupts — all within a few seconds. {@code
 * /dev/kvm} existing proves nothing, and neither does a guest that merely runs: seen on a nested
 * host without VT-x, KVM ran every stage a thousand times slower than TCG and the Debian kernel
 * seemed hung for ever after "Probing EDD". The probe guest is {@code
 * resources/guests/kvm-probe/probe.S}, 512 bytes shipped in the jar; it prints one letter per stage
 * on its serial port, which the probe reads from QEMU's stdout as the letters arrive.
 *
 * <p>The verdict is kept for the process, per QEMU binary.
 */
public final class KvmProbe {
  static final String IMAGE = "/guests/kvm-probe/kvm-probe.img";

  /** The whole probe under one accelerator may take this long. */
  static final long DEADLINE_MILLIS = 5000;

  /** KVM may take twice TCG's time for the workload, plus this for timing noise. */
  static final long WORKLOAD_SLACK_MILLIS = 20;

  private static final Map<Path, AccelDecision> VERDICTS = new ConcurrentHashMap<>();
  private static final System.Logger LOG = System.getLogger(KvmProbe.class.getName());

  /** The stages, in the order the probe guest reports them. */
  static final String STAGES = "RPLWTK";

  private KvmProbe() {}

  /** What one run of the probe guest showed. */
  record Run(String stages, long[] millis, String error) {
    /** The last stage reached, or 0 if none. */
    char last() {
      return stages.isEmpty() ? 0 : stages.charAt(stages.length() - 1);
    }

    boolean finished() {
      return stages.equals(STAGES);
    }

    /** Milliseconds from stage {@code a} to stage {@code b}, both reached. */
    long between(char a, char b) {
      return millis[stages.indexOf(b)] - millis[stages.indexOf(a)];
    }
  }

  /**
   * The verdict for {@code qemu} on this host: KVM with what the probe saw, or TCG with the reason.
   */
  public static AccelDecision verdict(QemuInstallation qemu) {
    String unusable = unusableReason(qemu.arch());
    if (unusable != null) {
      return AccelDecision.tcg(unusable);
    }
    return VERDICTS.computeIfAbsent(qemu.binary(), KvmProbe::probe);
  }

  /** Why KVM cannot even be tried for {@code arch} guests here, or null. */
  static String unusableReason(String arch) {
    if (!arch.equals("x86_64") || !System.getProperty("os.arch").equals("amd64")) {
      return "KVM runs " + arch + " guests only on a " + arch + " host";
    }
    Path device = Path.of(System.getProperty("berth.kvmDevice", "/dev/kvm"));
    if (!Files.exists(device)) {
      return "no " + device + " on this host";
    }
    if (!Files.isReadable(device) || !Files.isWritable(device)) {
      return device + " is not open to this user (the kvm group may be missing)";
    }
    return null;
  }

  private static AccelDecision probe(Path binary) {
    AccelDecision d;
    try {
      d = judge(run(binary, "tcg", DEADLINE_MILLIS, Long.MAX_VALUE), binary);
    } catch (IOException e) {
      d = AccelDecision.tcg("the KVM probe could not run: " + e.getMessage());
    }
    LOG.log(System.Logger.Level.DEBUG, binary + " KVM probe: " + d.describe());
    return d;
  }

  /** Runs the probe under KVM against TCG's time for the same workload, and judges it. */
  private static AccelDecision judge(Run tcg, Path binary) throws IOException {
    if (!tcg.finished()) {
      // The probe guest itself is proven under TCG by KvmProbeTest; this is a broken QEMU.
      return AccelDecision.tcg(
          "the KVM probe did not finish under TCG either (" + describeStop(tcg) + ")");
    }
    long tcgWork = tcg.between('L', 'W');
    long budget = 2 * tcgWork + WORKLOAD_SLACK_MILLIS;
    return decide(run(binary, "kvm", DEADLINE_MILLIS, budget), tcgWork, budget);
  }

  /** The verdict a KVM run earns, given TCG's workload time and KVM's budget for it. */
  static AccelDecision decide(Run kvm, long tcgWorkMillis, long budgetMillis) {
    String secs = DEADLINE_MILLIS / 1000 + " s";
    if (kvm.finished()) {
      long work = kvm.between('L', 'W');
      return AccelDecision.kvm(
          "a probe guest reached long mode, ran its workload in "
              + work
              + " ms (TCG "
              + tcgWorkMillis
              + " ms) and took timer interrupts, "
              + kvm.millis()[kvm.stages().length() - 1]
              + " ms in all");
    }
    return switch (kvm.last()) {
      case 0 ->
          kvm.error() != null
              ? AccelDecision.tcg("QEMU refused KVM: " + kvm.error())
              : AccelDecision.tcg("KVM ran no guest code within " + secs);
      case 'R' -> AccelDecision.tcg("KVM ran no guest past real mode within " + secs);
      case 'P' -> AccelDecision.tcg("KVM ran no guest into long mode with paging within " + secs);
      case 'L' ->
          AccelDecision.tcg(
              "KVM ran the probe's workload too slowly (not done after "
                  + budgetMillis
                  + " ms; TCG took "
                  + tcgWorkMillis
                  + " ms)");
      default -> AccelDecision.tcg("KVM's guest took no timer interrupt within " + secs);
    };
  }

  private static String describeStop(Run r) {
    if (r.error() != null) {
      return r.error();
    }
    return r.last() == 0 ? "no output" : "stopped after stage " + r.last();
  }

  /**
   * Boots the probe guest under {@code accel} and reads its stages as they arrive. The run ends
   * when the guest finishes, QEMU exits, {@code deadlineMillis} have passed, or the workload (stage
   * L to W) has taken {@code workloadBudgetMillis}; QEMU is killed and reaped before this returns.
   */
  static Run run(Path binary, String accel, long deadlineMillis, long workloadBudgetMillis)
      throws IOException {
    Path dir = Files.createTempDirectory("berth-kvm-probe");
    Process p = null;
    try {
      Path disk = dir.resolve("probe.img");
      try (InputStream in = KvmProbe.class.getResourceAsStream(IMAGE)) {
        if (in == null) {
          throw new IOException("the probe image " + IMAGE + " is missing from this build");
        }
        Files.copy(in, disk);
      }
      Path log = dir.resolve("qemu.log");
      p =
          new ProcessBuilder(
                  binary.toString(),
                  "-accel",
                  accel,
                  "-machine",
                  "pc",
                  "-m",
                  "16",
                  "-nodefaults",
                  "-no-user-config",
                  "-display",
                  "none",
                  "-monitor",
                  "none",
                  "-drive",
                  "file=" + QemuCommandLine.escape(disk.toString()) + ",format=raw,if=ide",
                  "-serial",
                  "stdio")
              .redirectInput(Redirect.from(new java.io.File("/dev/null")))
              .redirectError(log.toFile())
              .start();
      long start = System.nanoTime();
      BlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();
      Process proc = p;
      Thread reader =
          new Thread(
              () -> {
                try (InputStream in = proc.getInputStream()) {
                  int b;
                  while ((b = in.read()) >= 0) {
                    bytes.add(b);
                  }
                } catch (IOException e) {
                  // QEMU was killed: the stages read so far are the answer
                }
                bytes.add(-1);
              },
              "berth-kvm-probe");
      reader.setDaemon(true);
      reader.start();
      StringBuilder stages = new StringBuilder();
      List<Long> at = new ArrayList<>();
      long deadline = start + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
      long workDeadline = Long.MAX_VALUE;
      boolean exited = false;
      while (stages.length() < STAGES.length()) {
        long wait = Math.min(deadline, workDeadline) - System.nanoTime();
        Integer b = wait > 0 ? bytes.poll(wait, TimeUnit.NANOSECONDS) : null;
        if (b == null) {
          break;
        }
        if (b < 0) {
          exited = true;
          break;
        }
        // A triple fault resets the guest and it starts again at R: keep the furthest run.
        char c = (char) b.intValue();
        if (c == STAGES.charAt(stages.length())) {
          stages.append(c);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          at.add(ms);
          if (c == 'L' && workloadBudgetMillis != Long.MAX_VALUE) {
            workDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(workloadBudgetMillis);
          } else if (c == 'W') {
            workDeadline = Long.MAX_VALUE;
          }
        }
      }
      kill(p);
      long[] millis = at.stream().mapToLong(Long::longValue).toArray();
      String error = exited && stages.length() < STAGES.length() ? firstError(log) : null;
      return new Run(stages.toString(), millis, error);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } finally {
      if (p != null) {
        kill(p);
      }
      dev.berth.vm.FileTrees.delete(dir);
    }
  }

  /** Kills QEMU (and anything it started) and reaps it. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** QEMU's first error line ("qemu-system-x86_64: …"), warnings skipped, or null. */
  private static String firstError(Path log) {
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.contains("warning:")) {
          return line.strip();
        }
      }
    } catch (IOException e) {
      // no log: the caller says QEMU ran nothing
    }
    return null;
  }
}
