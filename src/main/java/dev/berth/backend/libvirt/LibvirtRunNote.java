package dev.berth.backend.libvirt;

import dev.berth.vm.AtomicFiles;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.PrivateFiles;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Which history run a running domain is, for the next Berth on this machine that reattaches: the
 * QEMU process's libvirt id and the run number, in {@code <runtime>/libvirt/<key>.run}. The id
 * tells a domain restarted by someone else (another run) from the one Berth saw start.
 */
final class LibvirtRunNote {
  private static final int MAX_BYTES = 64;

  private final Path file;

  LibvirtRunNote(VmSpec spec, BerthDirs dirs) {
    this.file = dirs.runtime().resolve("libvirt").resolve(spec.historyKey() + ".run");
  }

  void write(int domainId, int run) throws IOException {
    PrivateFiles.directory(file.getParent());
    AtomicFiles.write(file, (domainId + " " + run + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The run noted for the QEMU process {@code domainId}, or null (none, another, unreadable). */
  Integer runOf(int domainId) {
    try {
      byte[] b = PrivateFiles.readTail(file, MAX_BYTES);
      if (b == null) {
        return null;
      }
      String[] f = new String(b, StandardCharsets.US_ASCII).trim().split(" ");
      return f.length == 2 && Integer.parseInt(f[0]) == domainId && domainId >= 0
          ? Integer.valueOf(f[1])
          : null;
    } catch (IOException | NumberFormatException e) {
      return null; // a run Berth cannot place starts anew: the history stays consistent
    }
  }
}
