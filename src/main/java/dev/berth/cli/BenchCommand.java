package dev.berth.cli;

import dev.berth.backend.qemu.QemuInstallation;
import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.cpu.Hart;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.event.MachineExit;
import dev.berth.vm.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth bench}: runs a CPU-bound guest program on the bundled core, prints guest MIPS, and
 * runs the same ELF on {@code qemu-system-riscv64} in the same invocation for a ratio.
 */
@Command(
    name = "bench",
    description = {
      "Run a CPU-bound guest program on the bundled core and print guest MIPS; when"
          + " qemu-system-riscv64 is on the PATH, run the same ELF there and print the ratio."
    },
    mixinStandardHelpOptions = true)
public final class BenchCommand implements Callable<Integer> {
  static final String BUNDLED_BENCH = "/guests/bare/bench.elf";
  static final String BUNDLED_HELLO = "/guests/bare/hello.elf";
  static final String QEMU_CPU = "/guests/bare/qemu-cpu.txt";

  @Option(
      names = "--kernel",
      paramLabel = "FILE",
      description = "benchmark ELF (default: the bundled bench program)")
  Path kernel;

  @Option(names = "--runs", defaultValue = "3", description = "runs on each emulator (default 3)")
  int runs;

  @Option(names = "--no-qemu", description = "do not run the QEMU comparison")
  boolean noQemu;

  @Option(
      names = "--no-jit",
      description = "run the bundled core's interpreter alone (also: -Dberth.jit=false)")
  boolean noJit;

  @Option(
      names = "--idle",
      description = "instead: measure the host CPU an idle guest (sitting in WFI) costs")
  boolean idle;

  @Option(
      names = "--linux",
      description =
          "instead: boot the Berth Linux guest to its ready line (and on qemu-system-riscv64),"
              + " then measure what the idle guest costs")
  boolean linux;

  @Option(
      names = "--debian",
      description =
          "instead: as --linux, with Debian trixie's stock riscv64 kernel (fetched once with apt"
              + " into ~/.cache/berth) and 512 MiB on both emulators")
  boolean debian;

  static final String BUNDLED_IDLE = "/guests/bare/pm_ignore.elf";

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (idle) {
      return idleCost(out);
    }
    if (linux || debian) {
      return LinuxBootBench.run(out, runs, !noQemu, translate(), debian);
    }
    ImageSource image;
    try {
      image =
          kernel == null ? ImageSource.fromResource(BUNDLED_BENCH) : ImageSource.fromPath(kernel);
    } catch (ImageException e) {
      System.err.println("berth: " + e.getMessage());
      return 1;
    }
    out.printf("benchmark: %s (%s)%n", image.name(), translate() ? "jit" : "interpreter only");
    double bestBerth = 0;
    long instructions = 0;
    for (int i = 1; i <= runs; i++) {
      Machine m = new Machine(MachineConfig.of("bench", image), translate());
      long t0 = System.nanoTime();
      m.start();
      MachineExit exit = m.exit().get(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (exit.exitStatus() != 0) {
        System.err.println("berth: benchmark guest ended badly: " + exit.describe());
        return 1;
      }
      instructions = m.instructionsRetired();
      double mips = instructions / seconds / 1e6;
      bestBerth = Math.max(bestBerth, mips);
      out.printf(
          "berth  run %d: %,d instructions in %.3f s = %.1f MIPS%n",
          i, instructions, seconds, mips);
      if (!m.translationStatistics().isEmpty()) {
        out.printf("berth  jit: %s%n", m.translationStatistics());
      }
    }
    out.printf("berth  best: %.1f MIPS%n", bestBerth);
    out.printf("berth  %s%n", jvmMemory());
    if (noQemu) {
      return 0;
    }
    Path qemu;
    try {
      qemu = QemuInstallation.find("riscv64").binary();
    } catch (QemuInstallation.MissingException e) {
      out.println(e.getMessage() + ": no comparison");
      return 0;
    }
    Path tmp = Files.createTempDirectory("berth-bench");
    try {
      Path elf = tmp.resolve("bench.elf");
      Files.write(elf, image.bytes());
      Path hello = tmp.resolve("hello.elf");
      Files.write(hello, ImageSource.fromResource(BUNDLED_HELLO).bytes());
      String cpu = qemuCpu();
      double startup = Double.MAX_VALUE;
      for (int i = 0; i < runs; i++) {
        startup = Math.min(startup, timeQemu(qemu, cpu, hello));
      }
      double bestQemu = 0;
      for (int i = 1; i <= runs; i++) {
        double seconds = timeQemu(qemu, cpu, elf);
        double net = Math.max(seconds - startup, 1e-3);
        double mips = instructions / net / 1e6;
        bestQemu = Math.max(bestQemu, mips);
        out.printf(
            "qemu   run %d: %.3f s (%.3f s after %.3f s start-up) = %.1f MIPS%n",
            i, seconds, net, startup, mips);
      }
      out.printf("qemu   best: %.1f MIPS (-cpu %s)%n", bestQemu, cpu);
      out.printf("ratio berth/qemu: %.3f%n", bestBerth / bestQemu);
    } finally {
      FileTrees.delete(tmp);
    }
    return 0;
  }

  /**
   * Runs a guest that sleeps in WFI between 100 ms timer ticks, and reports the worker thread's
   * host CPU time as a share of one core.
   */
  private int idleCost(PrintStream out) throws Exception {
    Machine m =
        new Machine(MachineConfig.of("idle", ImageSource.fromResource(BUNDLED_IDLE)), translate());
    m.start();
    runFor(m, 1); // let it boot and settle
    long cpu0 = m.hostCpuNanos();
    long t0 = System.nanoTime();
    runFor(m, 5);
    double share = (m.hostCpuNanos() - cpu0) / (double) (System.nanoTime() - t0);
    m.quit();
    out.printf("idle guest (WFI, 10 timer ticks/s): %.2f %% of one host core%n", share * 100);
    return 0;
  }

  private static void runFor(Machine m, int seconds) throws Exception {
    try {
      MachineExit early = m.exit().get(seconds, TimeUnit.SECONDS);
      throw new IOException("the idle guest stopped: " + early.describe());
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      // the expected outcome: it is still idling
    }
  }

  private boolean translate() {
    return !noJit && Hart.translationByDefault();
  }

  /** What the host JVM holds for compiled code (translated units included) and class metadata. */
  static String jvmMemory() {
    long code = 0;
    long meta = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      if (name.startsWith("CodeHeap") || name.equals("Code Cache")) {
        code += pool.getUsage().getUsed();
      } else if (name.equals("Metaspace")) {
        meta += pool.getUsage().getUsed();
      }
    }
    return String.format(
        "JVM code cache in use %.1f MiB, metaspace %.1f MiB", code / 1048576.0, meta / 1048576.0);
  }

  static String qemuCpu() throws IOException {
    try (InputStream in = BenchCommand.class.getResourceAsStream(QEMU_CPU)) {
      if (in == null) {
        return "rv64";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  private static double timeQemu(Path qemu, String cpu, Path elf) throws Exception {
    List<String> cmd = new ArrayList<>(qemuCommand(qemu, cpu, elf));
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("qemu did not finish the benchmark");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new IOException("qemu exited with status " + p.exitValue());
    }
    return seconds;
  }

  static List<String> qemuCommand(Path qemu, String cpu, Path elf) {
    return List.of(
        qemu.toString(),
        "-machine",
        "virt",
        "-cpu",
        cpu,
        "-bios",
        "none",
        "-kernel",
        elf.toString(),
        "-nographic",
        "-monitor",
        "none");
  }
}
