package dev.berth.backend.bundled;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.PrivateFiles;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Turns a VM spec into the bundled core's machine configuration: images from files or from the
 * guests shipped inside Berth ({@code bundled:demo}, {@code bundled:linux}).
 */
public final class BundledMachines {
  private BundledMachines() {}

  /** Guests shipped inside Berth, by the name a spec uses after {@code bundled:}. */
  private static final Map<String, BundledGuest> GUESTS =
      Map.of(
          "demo",
          BundledGuest.program("/guests/bare/demo.elf"),
          "linux",
          new BundledGuest(
              "/guests/linux/Image.gz",
              "/guests/linux/initramfs.cpio.gz",
              "/guests/linux/fw_jump.bin",
              "console=ttyS0",
              "/guests/linux/data.img.gz",
              // Found by booting every size: OpenSBI's fw_jump copies the device tree to 34 MiB
              // into RAM, past the end of RAM at 34 MiB or less, and into the initrd (placed
              // halfway into RAM, as QEMU does) from 58 to 64 MiB; 36-56 and 65 up boot.
              new dev.berth.vm.SpecValidator.GuestMinimum(
                  65,
                  "with less, the firmware's copy of the device tree overwrites the initramfs or"
                      + " lies outside RAM, and the guest hangs after the OpenSBI banner")));

  public static Set<String> bundledGuests() {
    return GUESTS.keySet();
  }

  /** The validator for specs on this machine: the bundled guests and what each needs. */
  public static dev.berth.vm.SpecValidator validator() {
    Map<String, dev.berth.vm.SpecValidator.GuestMinimum> minimums = new java.util.HashMap<>();
    GUESTS.forEach(
        (name, guest) -> {
          if (guest.minimum() != null) {
            minimums.put(name, guest.minimum());
          }
        });
    return new dev.berth.vm.SpecValidator(GUESTS.keySet(), minimums);
  }

  /**
   * Reads the spec's images and builds the machine configuration. A bundled guest fills in what the
   * spec leaves out; a bundled Linux VM with no disk of its own gets its data disk, {@code
   * <state>/disks/<vm>.img}, copied from the blank one on its first start.
   *
   * @throws ImageException with one readable line if an image is missing or unreadable
   */
  public static MachineConfig config(VmSpec spec, BerthDirs dirs) throws ImageException {
    BundledGuest guest = spec.bundledGuest() == null ? null : GUESTS.get(spec.bundledGuest());
    if (spec.bundledGuest() != null && guest == null) {
      throw new ImageException(spec.kernel() + ": no such guest is bundled with Berth");
    }
    ImageSource kernel = guest != null ? resource(guest.kernel()) : image(spec.kernel(), spec);
    ImageSource initrd =
        spec.initrd() != null
            ? image(spec.initrd(), spec)
            : guest != null && guest.initrd() != null ? resource(guest.initrd()) : null;
    ImageSource bios =
        spec.bios() != null
            ? spec.bios().equals("none") ? null : image(spec.bios(), spec)
            : guest != null && guest.bios() != null ? resource(guest.bios()) : null;
    String append = spec.append().isEmpty() && guest != null ? guest.append() : spec.append();
    List<String> disks = spec.disks();
    if (disks.isEmpty() && guest != null && guest.blankDisk() != null) {
      disks = List.of(ownDisk(spec.name(), guest.blankDisk(), dirs).toString());
    }
    try {
      return new MachineConfig(
              spec.name(), (long) spec.memoryMiB() << 20, kernel, initrd, append, bios)
          .withDrives(disks.stream().map(d -> new MachineConfig.Drive(Path.of(d), false)).toList());
    } catch (IllegalArgumentException e) {
      throw new ImageException(spec.name() + ": " + e.getMessage(), e);
    }
  }

  /** The disks {@code spec}'s machine has: the user's, or the data disk Berth made for it. */
  static List<Path> diskPaths(VmSpec spec, BerthDirs dirs) {
    if (!spec.disks().isEmpty()) {
      return spec.disks().stream().map(Path::of).toList();
    }
    Path own = ownDiskPath(spec.name(), dirs);
    return Files.isRegularFile(own, LinkOption.NOFOLLOW_LINKS) ? List.of(own) : List.of();
  }

  /** Where {@link #ownDisk} keeps {@code vm}'s data disk. */
  static Path ownDiskPath(String vm, BerthDirs dirs) {
    return dirs.state().resolve("disks").resolve(vm + ".img");
  }

  /**
   * The VM's own data disk, made from the blank image the first time (a private temp file, then a
   * rename), in the private {@code disks/} directory; a link there is refused.
   */
  static Path ownDisk(String vm, String blank, BerthDirs dirs) throws ImageException {
    Path disk = ownDiskPath(vm, dirs);
    Path disks = disk.getParent();
    try {
      PrivateFiles.directory(dirs.state());
      PrivateFiles.directory(disks);
      if (Files.exists(disk, LinkOption.NOFOLLOW_LINKS)) {
        PrivateFiles.requireRegular(disk);
        return disk;
      }
      Path tmp = Files.createTempFile(disks, "." + vm, ".img.tmp"); // 0600
      try (InputStream in = new GZIPInputStream(resourceStream(blank));
          OutputStream out = Files.newOutputStream(tmp, LinkOption.NOFOLLOW_LINKS)) {
        in.transferTo(out); // into the 0600 file: a copy that replaced it would take the umask
      }
      try {
        Files.move(tmp, disk, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return disk;
    } catch (IOException e) {
      throw new ImageException(disk + ": cannot create the data disk: " + e.getMessage(), e);
    }
  }

  private static InputStream resourceStream(String resource) throws IOException {
    InputStream in = BundledMachines.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException(resource + " is not in this Berth build");
    }
    return in;
  }

  /** A shipped image, gunzipped when its name says it is compressed. */
  private static ImageSource resource(String resource) throws ImageException {
    if (!resource.endsWith(".gz")) {
      return ImageSource.fromResource(resource);
    }
    try (InputStream in = new GZIPInputStream(resourceStream(resource))) {
      return new ImageSource(resource, in.readAllBytes());
    } catch (IOException e) {
      throw new ImageException(resource + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** A file the spec names; no image can be larger than the guest's memory. */
  private static ImageSource image(String ref, VmSpec spec) throws ImageException {
    if (ref.startsWith(VmSpec.BUNDLED_PREFIX)) {
      throw new ImageException(ref + ": a bundled guest is named only as the kernel");
    }
    return ImageSource.fromPath(Path.of(ref), (long) spec.memoryMiB() << 20);
  }
}
