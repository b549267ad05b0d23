package dev.berth.core;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import java.nio.file.Path;

/** The project's bare-metal guest programs, built by resources/guests/bare/build.sh. */
public final class Guests {
  private Guests() {}

  public static final Path DIR = Path.of("resources/guests/bare");

  public static Path elf(String name) {
    return DIR.resolve("bin").resolve(name + ".elf");
  }

  public static ImageSource image(String name) {
    try {
      return ImageSource.fromPath(elf(name));
    } catch (ImageException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
