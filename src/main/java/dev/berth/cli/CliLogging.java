package dev.berth.cli;

import dev.berth.vm.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * The CLI's logging. By default a warning is one line on stderr ({@code berth: warning: …}) and
 * nothing else shows: a recoverable problem must not bury the answer under timestamps and stack
 * traces. {@code --verbose} shows everything with traces on stderr; {@code --log FILE} appends it
 * all to a private file.
 */
final class CliLogging {
  private CliLogging() {}

  static void configure(boolean verbose, Path logFile, PrintStream err) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.setLevel(verbose || logFile != null ? Level.ALL : Level.WARNING);
    if (verbose) {
      ConsoleHandler console = new ConsoleHandler();
      console.setLevel(Level.ALL);
      root.addHandler(console);
    } else {
      root.addHandler(new Flushing(err, new OneLine(), Level.WARNING, false));
    }
    if (logFile != null) {
      try {
        root.addHandler(
            new Flushing(
                Channels.newOutputStream(PrivateFiles.append(logFile)),
                new SimpleFormatter(),
                Level.ALL,
                true));
      } catch (IOException e) {
        err.println(
            "berth: warning: cannot write the log " + logFile + ": " + CliErrors.describe(e));
      }
    }
  }

  /** Writes each record out at once: the process may exit right after. */
  private static final class Flushing extends StreamHandler {
    private final boolean closeStream;

    Flushing(OutputStream out, Formatter format, Level level, boolean closeStream) {
      super(out, format);
      this.closeStream = closeStream;
      setLevel(level);
    }

    @Override
    public synchronized void publish(LogRecord r) {
      super.publish(r);
      flush();
    }

    @Override
    public synchronized void close() {
      if (closeStream) {
        super.close();
      } else {
        flush(); // stderr stays open for whatever the JVM's shutdown still prints
      }
    }
  }

  /** {@code berth: warning: message}, without the trace. */
  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String m = formatMessage(r);
      int nl = m.indexOf('\n');
      return "berth: "
          + (r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error: " : "warning: ")
          + (nl < 0 ? m : m.substring(0, nl))
          + System.lineSeparator();
    }
  }
}
