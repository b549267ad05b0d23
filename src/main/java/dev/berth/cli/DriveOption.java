package dev.berth.cli;

import dev.berth.core.machine.MachineConfig;
import java.nio.file.Path;

/**
 * A {@code --drive} value as QEMU spells the common cases: a raw image file, either bare ({@code
 * data.img}) or as {@code file=data.img[,format=raw][,readonly=on]}.
 */
final class DriveOption {
  private DriveOption() {}

  static MachineConfig.Drive parse(String text) {
    if (!text.startsWith("file=")) {
      return new MachineConfig.Drive(Path.of(text), false);
    }
    String file = null;
    boolean readOnly = false;
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      switch (key) {
        case "file" -> file = value;
        case "format" -> {
          if (!value.equals("raw")) {
            throw new IllegalArgumentException("--drive: only format=raw is supported");
          }
        }
        case "readonly" -> readOnly = value.equals("on");
        default -> throw new IllegalArgumentException("--drive: unknown option " + key);
      }
    }
    if (file == null || file.isEmpty()) {
      throw new IllegalArgumentException("--drive: file= is empty");
    }
    return new MachineConfig.Drive(Path.of(file), readOnly);
  }
}
