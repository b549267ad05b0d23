package dev.berth.core;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The Berth Linux guest on the bundled core, through OpenSBI as on QEMU: the kernel boots, finds
 * the board's 16550A and Berth's power-management block (its own driver binds and enables the
 * button and S5), and starts /init, whose busybox userland (Debian's lp64d glibc: F and D
 * instructions throughout) reaches its ready line and a root shell on ttyS0 that answers a command.
 * The data disk and the agent need virtio devices, so the kernel line turns them off.
 */
class LinuxKernelBootTest {
  private static final Path IMAGES = Path.of("resources/guests/linux/images");

  private static ImageSource gunzipped(String name) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(IMAGES.resolve(name)))) {
      return new ImageSource(name, in.readAllBytes());
    } catch (IOException e) {
      throw new AssertionError(name + ": " + e.getMessage(), e);
    }
  }

  @Test
  void bootsToAShellThatAnswers() throws ImageException {
    MachineConfig config =
        new MachineConfig(
            "linux",
            MachineConfig.DEFAULT_MEMORY,
            gunzipped("Image.gz"),
            ImageSource.fromPath(IMAGES.resolve("initramfs.cpio.gz")), // the kernel unpacks it
            "console=ttyS0 earlycon=sbi berth.data=0 berth.agent=0",
            ImageSource.fromPath(IMAGES.resolve("fw_jump.bin")));
    try (GuestRun run = new GuestRun(config)) {
      run.machine.start();
      run.awaitConsole("OpenSBI v1.1");
      run.awaitConsole("Linux version 6.1");
      run.awaitConsole("10000000.serial: ttyS0 at MMIO 0x10000000");
      run.awaitConsole("is a 16550A");
      run.awaitConsole("input: Berth Power Button");
      run.awaitConsole("power button and S5 soft-off enabled");
      run.awaitConsole("goldfish_rtc 101000.rtc: registered as rtc0");
      run.awaitConsole("setting system clock to 20");
      run.awaitConsole("Run /init as init process");
      run.awaitConsole("berth: acpid started");
      run.awaitConsole("berth-linux ready in ");
      run.awaitConsole("berth-linux:~# ");
      run.type("echo $((6*7))\n");
      run.awaitConsole("\n42\r\n"); // the shell's arithmetic; the echoed line shows only 6*7
      run.type("awk 'BEGIN { printf \"%.9f %d\\n\", sqrt(2) * atan2(1, 1), -7.9 }'\n");
      run.awaitConsole("\n1.110720735 -7\r\n"); // glibc's double arithmetic and printf
    }
  }
}
