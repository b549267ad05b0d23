package dev.berth.app.terminal;

import java.nio.charset.StandardCharsets;

/**
 * Measures how fast {@link TerminalModel} parses boot-log-like output (not a test). Run after
 * {@code mvn -q test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes dev.berth.app.terminal.TerminalThroughput [MB]
 * </pre>
 */
public final class TerminalThroughput {
  private TerminalThroughput() {}

  public static void main(String[] args) {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    byte[] chunk = bootLog();
    long total = (long) megabytes << 20;
    TerminalModel model = new TerminalModel(120, 40);
    // Warm up the JIT, then measure.
    feed(model, chunk, Math.min(total, 64L << 20) / 4);
    model = new TerminalModel(120, 40);
    long start = System.nanoTime();
    long fed = feed(model, chunk, total);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "fed %.1f MB in %.2f s: %.1f MB/s (scrollback %d lines, last line \"%s\")%n",
        fed / 1048576.0,
        seconds,
        fed / 1048576.0 / seconds,
        model.scrollbackLineCount(),
        model.line(model.rows() - 2).text());
  }

  private static long feed(TerminalModel model, byte[] chunk, long total) {
    long fed = 0;
    int piece = 4096; // the size a serial sink hands over at a time
    while (fed < total) {
      for (int off = 0; off < chunk.length; off += piece) {
        int n = Math.min(piece, chunk.length - off);
        model.feed(chunk, off, n);
        fed += n;
      }
    }
    return fed;
  }

  /** About 1 MB of kernel/systemd-style log lines, some with SGR colour. */
  private static byte[] bootLog() {
    StringBuilder sb = new StringBuilder();
    String[] units = {
      "systemd-journald.service", "network.target", "sshd.service", "getty@tty1.service",
      "systemd-udevd.service", "dbus.service", "cron.service", "systemd-logind.service"
    };
    String[] kernel = {
      "virtio_blk virtio1: [vda] 41943040 512-byte logical blocks (21.5 GB/20.0 GiB)",
      "EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
      "e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: RX",
      "random: crng init done",
      "Freeing unused kernel image (initmem) memory: 2216K",
      "clocksource: Switched to clocksource riscv_clocksource",
    };
    int i = 0;
    while (sb.length() < 1 << 20) {
      double t = i * 0.0137;
      if (i % 3 == 0) {
        sb.append(String.format("[  %9.6f] %s\r\n", t, kernel[i % kernel.length]));
      } else if (i % 3 == 1) {
        sb.append("[  \033[0;32mOK  \033[0m] Started \033[0;1;39m")
            .append(units[i % units.length])
            .append("\033[0m - unit number ")
            .append(i)
            .append(".\r\n");
      } else if (i % 17 == 2) {
        sb.append("[\033[0;1;31mFAILED\033[0m] Failed to start \033[0;1;39m")
            .append(units[i % units.length])
            .append("\033[0m.\r\n");
      } else {
        sb.append("         Starting \033[0;1;39m")
            .append(units[i % units.length])
            .append("\033[0m - Déjà vu unit… ")
            .append(i)
            .append("\r\n");
      }
      i++;
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
