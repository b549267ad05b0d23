package dev.berth.cli;

import dev.berth.backend.bundled.BundledMachines;
import dev.berth.backend.qemu.QemuInstallation;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * {@code berth bench --linux}: the Berth Linux guest from power-on to its ready line on the bundled
 * core and, in the same run, on {@code qemu-system-riscv64} with the same images and a fresh data
 * disk each run (so every boot formats it); then what the booted guest costs the host while it
 * idles. {@code --debian} boots Debian's stock riscv64 kernel with the same initramfs instead.
 */
final class LinuxBootBench {
  private static final String READY = "berth-linux ready in ";
  private static final long BOOT_LIMIT_SECONDS = 120;

  /** RAM for Debian's kernel, on both emulators: it does not boot in the Berth guest's 128 MiB. */
  private static final int DEBIAN_MIB = 512;

  private static final String[] IMAGES = {
    "Image.gz", "initramfs.cpio.gz", "fw_jump.bin", "data.img.gz"
  };

  private LinuxBootBench() {}

  /**
   * Boots {@code runs} times on each emulator; with {@code debian}, Debian's stock kernel ({@link
   * DebianKernel}) with the Berth initramfs and data disk and 512 MiB of RAM, on both.
   */
  static int run(PrintStream out, int runs, boolean qemu, boolean translate, boolean debian)
      throws Exception {
    Path kernel = debian ? DebianKernel.get(out) : null;
    out.printf(
        "guest: %s; bundled core: %s%n",
        debian ? DebianKernel.packageName() + " with the Berth initramfs" : "the Berth Linux guest",
        translate ? "jit" : "interpreter only");
    Path tmp = Files.createTempDirectory("berth-boot-bench");
    try {
      extract(tmp);
      double best = Double.MAX_VALUE;
      for (int i = 1; i <= runs; i++) {
        // a fresh data disk each run, as QEMU gets below: every boot formats it
        Path state = Files.createDirectories(tmp.resolve("state" + i));
        BerthDirs dirs = new BerthDirs(Map.of("XDG_STATE_HOME", state.toString()), tmp);
        MachineConfig config =
            kernel == null
                ? BundledMachines.config(VmSpec.defaultLinux(), dirs)
                : debianConfig(kernel, tmp, state);
        double s = bootBerth(config, out, i == runs, translate);
        best = Math.min(best, s);
        out.printf("berth  run %d: ready line after %.2f s%n", i, s);
      }
      out.printf("berth  best: %.2f s to the ready line%n", best);
      out.printf("berth  %s%n", BenchCommand.jvmMemory());
      if (!qemu) {
        return 0;
      }
      Path binary;
      try {
        binary = QemuInstallation.find("riscv64").binary();
      } catch (QemuInstallation.MissingException e) {
        out.println(e.getMessage() + ": no comparison");
        return 0;
      }
      double bestQemu = Double.MAX_VALUE;
      for (int i = 1; i <= runs; i++) {
        double s = bootQemu(binary, tmp, kernel);
        bestQemu = Math.min(bestQemu, s);
        out.printf("qemu   run %d: ready line after %.2f s%n", i, s);
      }
      out.printf("qemu   best: %.2f s; berth/qemu boot time %.2f%n", bestQemu, best / bestQemu);
      return 0;
    } finally {
      dev.berth.vm.FileTrees.delete(tmp);
    }
  }

  /** Debian's kernel with the shipped initramfs, firmware and a fresh copy of the data disk. */
  private static MachineConfig debianConfig(Path kernel, Path images, Path state) throws Exception {
    Path disk = state.resolve("data.img");
    Files.copy(images.resolve("data.img"), disk);
    return new MachineConfig(
            "debian",
            (long) DEBIAN_MIB << 20,
            ImageSource.fromPath(kernel),
            ImageSource.fromPath(images.resolve("initramfs.cpio.gz")),
            "console=ttyS0",
            ImageSource.fromPath(images.resolve("fw_jump.bin")))
        .withDrives(List.of(new MachineConfig.Drive(disk, false)));
  }

  /** Seconds from start to the ready line; the last run also measures the idle guest. */
  private static double bootBerth(
      MachineConfig config, PrintStream out, boolean idle, boolean translate) throws Exception {
    Machine m = new Machine(config, translate);
    CompletableFuture<Long> ready = new CompletableFuture<>();
    ReadyLine line = new ReadyLine();
    m.setSerialSink(
        (b, off, len) -> {
          if (!ready.isDone() && line.seen(b, off, len)) {
            ready.complete(System.nanoTime());
          }
        });
    long t0 = System.nanoTime();
    m.start();
    try {
      double seconds = (ready.get(BOOT_LIMIT_SECONDS, TimeUnit.SECONDS) - t0) / 1e9;
      out.printf(
          "berth  %,d instructions, %.2f s of the worker's CPU, %.2f s in WFI to the ready"
              + " line%n",
          m.instructionsRetired(), m.hostCpuNanos() / 1e9, m.idleNanos() / 1e9);
      if (!m.translationStatistics().isEmpty()) {
        out.printf("berth  jit at the ready line: %s%n", m.translationStatistics());
      }
      if (idle) {
        settle(m, 5);
        long cpu0 = m.hostCpuNanos();
        long w0 = System.nanoTime();
        settle(m, 10);
        double share = (m.hostCpuNanos() - cpu0) / (double) (System.nanoTime() - w0);
        Runtime rt = Runtime.getRuntime();
        out.printf(
            "idle Linux guest: %.2f %% of one host core; this JVM's RSS %d MiB (heap in use %d"
                + " MiB)%n",
            share * 100, rssMiB(), (rt.totalMemory() - rt.freeMemory()) >> 20);
      }
      return seconds;
    } finally {
      m.quit();
      m.exit().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Watches console output for the ready line, looking only at what is new (and the few bytes
   * before it that the line may start in): on the core it runs on the worker thread, inside the
   * time taken.
   */
  static final class ReadyLine {
    private static final byte[] WANTED = READY.getBytes(StandardCharsets.US_ASCII);
    private int matched;

    boolean seen(byte[] b, int off, int len) {
      for (int k = off; k < off + len; k++) {
        if (b[k] == WANTED[matched]) {
          if (++matched == WANTED.length) {
            return true;
          }
        } else {
          matched = b[k] == WANTED[0] ? 1 : 0; // the wanted text repeats no prefix of itself
        }
      }
      return false;
    }
  }

  /** Lets the guest run on for {@code seconds}; it must not stop meanwhile. */
  private static void settle(Machine m, int seconds) throws Exception {
    try {
      m.exit().get(seconds, TimeUnit.SECONDS);
      throw new IOException("the Linux guest stopped while idling");
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      // expected
    }
  }

  /** Resident set size of this process, from /proc (0 where there is none). */
  static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return 0;
  }

  /** Seconds to the ready line on QEMU: the shipped kernel, or {@code kernel} if not null. */
  private static double bootQemu(Path qemu, Path dir, Path kernel) throws Exception {
    Files.copy(
        dir.resolve("data.img"),
        dir.resolve("run.img"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<String> cmd =
        List.of(
            qemu.toString(),
            "-machine",
            "virt",
            "-m",
            kernel == null ? "128" : Integer.toString(DEBIAN_MIB),
            "-nographic",
            "-monitor",
            "none",
            "-bios",
            dir.resolve("fw_jump.bin").toString(),
            "-kernel",
            (kernel == null ? dir.resolve("Image") : kernel).toString(),
            "-initrd",
            dir.resolve("initramfs.cpio.gz").toString(),
            "-append",
            "console=ttyS0",
            "-global",
            "virtio-mmio.force-legacy=false",
            "-drive",
            "file=" + dir.resolve("run.img") + ",format=raw,if=none,id=d0",
            "-device",
            "virtio-blk-device,drive=d0",
            "-device",
            "virtio-serial-device",
            "-chardev",
            "null,id=qga0",
            "-device",
            "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
            "-device",
            "virtio-keyboard-device");
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    try (InputStream in = p.getInputStream()) {
      ReadyLine line = new ReadyLine();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (line.seen(buf, 0, n)) {
          return (System.nanoTime() - t0) / 1e9;
        }
      }
      throw new IOException("qemu ended before the ready line");
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The shipped images as files, for QEMU. */
  private static void extract(Path dir) throws IOException {
    for (String name : IMAGES) {
      try (InputStream res = LinuxBootBench.class.getResourceAsStream("/guests/linux/" + name)) {
        if (res == null) {
          throw new IOException(name + " is not in this Berth build");
        }
        boolean unpack = name.endsWith(".gz") && !name.startsWith("initramfs");
        Path target = dir.resolve(unpack ? name.substring(0, name.length() - 3) : name);
        try (InputStream in = unpack ? new GZIPInputStream(res) : res) {
          Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
