package dev.berth.backend.qemu;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A QEMU VM's runtime directory, the same {@code <runtime>/<vm>/} the bundled core uses: the public
 * QMP socket, Berth's own monitor socket (QEMU's QMP server takes one client at a time, so the app
 * and the CLI each get one), serial console, agent channel, VNC display, pid file, QEMU's own
 * output and the number of the run under way.
 */
public record QemuRuntime(Path dir) {
  public static QemuRuntime of(BerthDirs dirs, String vm) {
    return new QemuRuntime(VmSockets.qmp(dirs, vm).getParent());
  }

  public Path qmp() {
    return dir.resolve("qmp.sock");
  }

  public Path monitor() {
    return dir.resolve("monitor.sock");
  }

  public Path serial() {
    return dir.resolve("serial.sock");
  }

  public Path serialLog() {
    return dir.resolve("serial.log");
  }

  public Path qga() {
    return dir.resolve("qga.sock");
  }

  public Path vnc() {
    return dir.resolve("vnc.sock");
  }

  public Path pidFile() {
    return dir.resolve("qemu.pid");
  }

  /** QEMU's stdout and stderr. */
  public Path log() {
    return dir.resolve("qemu.log");
  }

  /** The history run number of the run under way, so a reattaching Berth records into it. */
  public Path runFile() {
    return dir.resolve("run");
  }

  /** True if this directory belongs to a QEMU run (it has a pid file). */
  public boolean isQemu() {
    return Files.exists(pidFile());
  }

  /** The pid QEMU wrote, if the file is there and holds a number. */
  public Optional<Long> pid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The QEMU this directory's VM runs on, verified: a live {@code qemu-system-*} process whose
   * command line names this directory's pid file. The pid file is only a hint — a pid in it that
   * belongs to any other process is never used (signals would hit the wrong process) — and when the
   * file or the whole directory is gone, the process table still finds the VM's QEMU.
   */
  public Optional<ProcessHandle> process() {
    Optional<ProcessHandle> byFile = pid().flatMap(ProcessHandle::of).filter(this::isOurQemu);
    if (byFile.isPresent()) {
      return byFile;
    }
    try (var all = ProcessHandle.allProcesses()) {
      return all.filter(this::isOurQemu).findFirst();
    }
  }

  private boolean isOurQemu(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    ProcessHandle.Info info = h.info();
    boolean qemu = info.command().map(c -> c.contains("qemu-system")).orElse(false);
    String pidFile = pidFile().toString();
    return qemu && info.arguments().map(a -> List.of(a).contains(pidFile)).orElse(false);
  }

  public Optional<Integer> run() {
    try {
      return Optional.of(Integer.parseInt(Files.readString(runFile()).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  void writeRun(int run) throws IOException {
    dev.berth.vm.AtomicFiles.write(runFile(), (run + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The last {@code lines} lines of QEMU's output, for a crash report. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Removes what a finished run left, keeping the logs for a post-mortem. */
  public void clean() {
    for (Path p : List.of(qmp(), monitor(), serial(), qga(), vnc(), pidFile(), runFile())) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a file we cannot remove is replaced at the next start
      }
    }
  }
}
