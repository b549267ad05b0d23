package dev.berth;

import dev.berth.cli.Cli;
import dev.berth.cli.Signals;

/**
 * Entry point. With no arguments Berth opens the desktop app; with a subcommand it is the CLI. This
 * class must not extend {@code javafx.application.Application}: with JavaFX on the class path, a
 * launcher that does cannot start.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      dev.berth.app.BerthApp.launchApp(args);
      return;
    }
    Signals.install();
    int status = Cli.create().execute(args);
    System.exit(status);
  }
}
