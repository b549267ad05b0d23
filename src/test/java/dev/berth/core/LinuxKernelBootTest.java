package dev.berth.core;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Berth Linux guest on the bundled core, through OpenSBI as on QEMU: the kernel boots, finds
 * the board's 16550A and Berth's power-management block (its own driver binds and enables the
 * button and S5), probes the virtio devices in the board's slots (the data disk, the agent channel,
 * the keyboard), and starts /init, whose busybox userland (Debian's lp64d glibc: F and D
 * instructions throughout) reaches its ready line and a root shell on ttyS0 that answers a command.
 */
class LinuxKernelBootTest {
  private static final Path IMAGES = Path.of("resources/guests/linux/images");

  @TempDir Path tmp;

  private static ImageSource gunzipped(String name) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(IMAGES.resolve(name)))) {
      return new ImageSource(name, in.readAllBytes());
    } catch (IOException e) {
      throw new AssertionError(name + ": " + e.getMessage(), e);
    }
  }

  @Test
  void bootsToAShellThatAnswers() throws ImageException, IOException {
    Path disk = tmp.resolve("data.img");
    Files.write(disk, gunzipped("data.img.gz").bytes());
    MachineConfig config =
        new MachineConfig(
                "linux",
                MachineConfig.DEFAULT_MEMORY,
                gunzipped("Image.gz"),
                ImageSource.fromPath(IMAGES.resolve("initramfs.cpio.gz")), // the kernel unpacks it
                "console=ttyS0 earlycon=sbi",
                ImageSource.fromPath(IMAGES.resolve("fw_jump.bin")))
            .withDrives(List.of(new MachineConfig.Drive(disk, false)));
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
      run.awaitConsole(
          "virtio_blk virtio0: [vda] 65536 512-byte logical blocks (33.6 MB/32.0 MiB)");
      run.awaitConsole(
          "input: Berth Virtio Keyboard as /devices/platform/soc/10006000.virtio_mmio/virtio2");
      // virtio_console prints nothing: its handshake shows on the port (PORT_READY came back)
      run.await(() -> run.machine.agentPort().isGuestReady(), "the agent port set up by Linux");
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
