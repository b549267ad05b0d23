package dev.berth.backend.bundled;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import dev.berth.vm.VmSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** Turns a VM spec into the bundled core's machine configuration. */
public final class BundledMachines {
  private BundledMachines() {}

  /** Guest images shipped inside Berth, by the name a spec uses after {@code bundled:}. */
  private static final Map<String, String> GUESTS = Map.of("demo", "/guests/bare/demo.elf");

  public static Set<String> bundledGuests() {
    return GUESTS.keySet();
  }

  /**
   * Reads the spec's images and builds the machine configuration.
   *
   * @throws ImageException with one readable line if an image is missing or unreadable
   */
  public static MachineConfig config(VmSpec spec) throws ImageException {
    ImageSource kernel = image(spec.kernel());
    ImageSource initrd = spec.initrd() == null ? null : image(spec.initrd());
    ImageSource bios =
        spec.bios() == null || spec.bios().equals("none") ? null : image(spec.bios());
    try {
      return new MachineConfig(
              spec.name(), (long) spec.memoryMiB() << 20, kernel, initrd, spec.append(), bios)
          .withDrives(
              spec.disks().stream().map(d -> new MachineConfig.Drive(Path.of(d), false)).toList());
    } catch (IllegalArgumentException e) {
      throw new ImageException(spec.name() + ": " + e.getMessage(), e);
    }
  }

  private static ImageSource image(String ref) throws ImageException {
    if (ref.startsWith(VmSpec.BUNDLED_PREFIX)) {
      String name = ref.substring(VmSpec.BUNDLED_PREFIX.length());
      String resource = GUESTS.get(name);
      if (resource == null) {
        throw new ImageException(ref + ": no such guest is bundled with Berth");
      }
      return ImageSource.fromResource(resource);
    }
    return ImageSource.fromPath(Path.of(ref));
  }
}
