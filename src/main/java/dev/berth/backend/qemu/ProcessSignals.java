package dev.berth.backend.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Sends a signal to a process by name: TERM and KILL through the JDK, others through kill(1). */
public final class ProcessSignals {
  private ProcessSignals() {}

  public static void send(ProcessHandle h, String signal) throws IOException {
    switch (signal) {
      case "TERM" -> h.destroy();
      case "KILL" -> h.destroyForcibly();
      default -> {
        try {
          Process k =
              new ProcessBuilder("kill", "-" + signal, Long.toString(h.pid()))
                  .redirectErrorStream(true)
                  .start();
          if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException(
                "kill -"
                    + signal
                    + " "
                    + h.pid()
                    + " failed: "
                    + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted sending SIG" + signal, e);
        }
      }
    }
  }
}
