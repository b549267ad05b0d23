package dev.berth.rfb;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.display.GuestDisplay.Screen;
import dev.berth.qmp.QmpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code qemu-system-x86_64} PC with standard VGA whose screen is known: its boot sector
 * fills the 80×25 text screen with yellow 'A's on red, waits for a key (BIOS int 16h) and then
 * fills it with that character in white on green. The VGA is on a VNC unix socket.
 */
public final class QemuVgaGuest implements AutoCloseable {
  // The VGA palette's 6-bit DAC values widened as QEMU does: 0x2a becomes 0xa8, 0x15 0x57.
  public static final int RED = 0xa80000;
  public static final int YELLOW = 0xffff57;
  public static final int GREEN = 0x00a800;
  public static final int WHITE = 0xffffff;
  public static final String NAME = "berth-vga-test";

  /** 16-bit real-mode code at 0x7c00 (hand-assembled, addresses relative to the sector). */
  private static final String BOOT_SECTOR =
      "fa31c08ed0bc007cfbfc" // cli; ss = 0; sp = 0x7c00; sti; cld
          + "b800b88ec0" // es = 0xb800, the text screen
          + "b8414ee80c00" // ax = 0x4e41 (yellow 'A' on red); call fill
          + "31c0cd16" // ah = 0; int 16h: wait for a key, AL = its character
          + "b42fe80300" // ah = 0x2f (white on green); call fill
          + "f4ebfd" // hlt; jmp back to hlt
          + "31ffb9d007f3abc3"; // fill: di = 0; cx = 2000 cells; rep stosw; ret

  public final Path vnc;
  private final Path qmp;
  private final Process proc;
  private final Path log;

  private QemuVgaGuest(Path dir) throws IOException {
    String qemu = findQemu();
    Path disk = dir.resolve("boot.img");
    byte[] sector = new byte[512];
    byte[] code = HexFormat.of().parseHex(BOOT_SECTOR);
    System.arraycopy(code, 0, sector, 0, code.length);
    sector[510] = 0x55;
    sector[511] = (byte) 0xaa;
    Files.write(disk, sector);
    vnc = dir.resolve("vnc.sock");
    qmp = dir.resolve("qmp.sock");
    log = dir.resolve("qemu.log");
    proc =
        new ProcessBuilder(
                List.of(
                    qemu,
                    "-machine",
                    "pc,accel=tcg",
                    "-m",
                    "16",
                    "-nodefaults",
                    "-name",
                    NAME,
                    "-vga",
                    "std",
                    "-display",
                    "vnc=unix:" + vnc,
                    "-drive",
                    "file=" + disk + ",format=raw,if=ide",
                    "-qmp",
                    "unix:" + qmp + ",server=on,wait=off",
                    "-S"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
  }

  /** Starts QEMU paused, before the BIOS runs; returns once its sockets are there. */
  public static QemuVgaGuest startPaused(Path dir) throws Exception {
    QemuVgaGuest g = new QemuVgaGuest(dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(g.vnc) && Files.exists(g.qmp))) {
      if (!g.proc.isAlive() || System.nanoTime() > deadline) {
        g.close();
        fail("QEMU did not start: " + Files.readString(g.log));
      }
      g.proc.waitFor(20, TimeUnit.MILLISECONDS);
    }
    return g;
  }

  private static String findQemu() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path q = Path.of(dir, "qemu-system-x86_64");
      if (Files.isExecutable(q)) {
        return q.toString();
      }
    }
    return fail(
        "qemu-system-x86_64 is not installed: this test shows a real QEMU VGA screen"
            + " (Debian: apt-get install qemu-system-x86)");
  }

  /** Lets the paused machine run. */
  public void cont() throws IOException {
    try (QmpClient c = new QmpClient(qmp, 5000)) {
      c.execute("cont", null);
    }
  }

  /** The share of the screen's pixels that have this colour. */
  public static double share(Screen s, int colour) {
    int n = 0;
    for (int p : s.pixels()) {
      if (p == colour) {
        n++;
      }
    }
    return (double) n / s.pixels().length;
  }

  /** Size and commonest colours, for a failure message. */
  public static String describe(Screen s) {
    java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
    for (int p : s.pixels()) {
      counts.merge(p, 1, Integer::sum);
    }
    StringBuilder b = new StringBuilder(s.width() + "x" + s.height() + ":");
    counts.entrySet().stream()
        .sorted(java.util.Map.Entry.<Integer, Integer>comparingByValue().reversed())
        .limit(4)
        .forEach(
            e ->
                b.append(
                    String.format(
                        " %06x %d%%", e.getKey(), 100L * e.getValue() / s.pixels().length)));
    return b.toString();
  }

  @Override
  public void close() {
    proc.destroy();
    try {
      if (!proc.waitFor(5, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
      }
    } catch (InterruptedException e) {
      proc.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
