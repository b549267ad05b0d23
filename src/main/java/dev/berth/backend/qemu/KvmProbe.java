package dev.berth.backend.qemu;

import dev.berth.vm.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides the accelerator: KVM only once a guest has actually run with it. {@code /dev/kvm}
 * existing proves nothing (on machines without VT-x it is there and {@code -accel kvm} hangs), so
 * the probe boots a 512-byte boot sector that writes one byte to the serial port, under {@code
 * -accel kvm}, and waits a few seconds for that byte. The answer is kept for the process.
 */
public final class KvmProbe {
  private static final long WAIT_MILLIS = 5000;
  private static final Map<Path, String> ANSWERS = new ConcurrentHashMap<>();
  private static final System.Logger LOG = System.getLogger(KvmProbe.class.getName());

  private KvmProbe() {}

  /** "kvm" if a guest ran under KVM with this emulator, else "tcg". */
  public static String accelerator(QemuInstallation qemu) {
    if (!qemu.arch().equals("x86_64")
        || !System.getProperty("os.arch").equals("amd64")
        || !Files.exists(Path.of("/dev/kvm"))
        || Boolean.getBoolean("berth.noKvm")) {
      return "tcg";
    }
    return ANSWERS.computeIfAbsent(qemu.binary(), b -> probe(qemu));
  }

  private static String probe(QemuInstallation qemu) {
    Path dir = null;
    Process p = null;
    try {
      dir = Files.createTempDirectory("berth-kvm-probe");
      Path disk = Files.write(dir.resolve("boot.img"), bootSector());
      Path out = dir.resolve("serial.out");
      p =
          new ProcessBuilder(
                  List.of(
                      qemu.binary().toString(),
                      "-accel",
                      "kvm",
                      "-machine",
                      "pc",
                      "-m",
                      "16",
                      "-nodefaults",
                      "-display",
                      "none",
                      "-drive",
                      "file=" + disk + ",format=raw,if=ide",
                      "-serial",
                      "file:" + out))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("qemu.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      while (System.nanoTime() < deadline && p.isAlive()) {
        if (Files.exists(out) && Files.readString(out, StandardCharsets.ISO_8859_1).contains("K")) {
          LOG.log(System.Logger.Level.INFO, "KVM works with " + qemu.binary());
          return "kvm";
        }
        Thread.sleep(50); // polling a file QEMU writes: there is no event to wait on
      }
      LOG.log(
          System.Logger.Level.INFO, "KVM did not run a guest within " + WAIT_MILLIS + " ms: TCG");
      return "tcg";
    } catch (IOException e) {
      LOG.log(System.Logger.Level.INFO, "KVM probe failed: TCG", e);
      return "tcg";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "tcg";
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
      if (dir != null) {
        try {
          FileTrees.delete(dir);
        } catch (IOException e) {
          // a temp directory left behind
        }
      }
    }
  }

  /** mov dx,0x3f8; mov al,'K'; out dx,al; hlt; jmp $-1 — then the boot signature. */
  static byte[] bootSector() {
    byte[] s = new byte[512];
    byte[] code = {
      (byte) 0xBA,
      (byte) 0xF8,
      0x03,
      (byte) 0xB0,
      'K',
      (byte) 0xEE,
      (byte) 0xF4,
      (byte) 0xEB,
      (byte) 0xFD
    };
    System.arraycopy(code, 0, s, 0, code.length);
    s[510] = 0x55;
    s[511] = (byte) 0xAA;
    return s;
  }
}
