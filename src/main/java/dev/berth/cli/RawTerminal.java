package dev.berth.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Puts the controlling terminal into raw mode (no line editing, no echo, no signal keys) and back,
 * with stty, as QEMU's {@code -nographic} does. Does nothing when stdin is not a terminal.
 */
final class RawTerminal {
  private String saved;

  static boolean stdinIsTerminal() {
    return System.console() != null;
  }

  synchronized void enter() {
    saved = stty("-g");
    if (saved != null) {
      stty("raw", "-echo");
    }
  }

  synchronized void restore() {
    if (saved != null) {
      stty(saved.trim());
      saved = null;
    }
  }

  private static String stty(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "stty";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
