package dev.berth.cli;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** The streams a foreground VM uses for its serial console and messages; tests pass their own. */
record ConsoleIo(InputStream in, OutputStream out, PrintStream err, boolean terminal) {
  static ConsoleIo system() {
    return new ConsoleIo(
        System.in,
        new FileOutputStream(java.io.FileDescriptor.out),
        System.err,
        RawTerminal.stdinIsTerminal());
  }
}
