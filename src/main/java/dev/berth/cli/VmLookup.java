package dev.berth.cli;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmStore;
import java.io.IOException;
import java.util.List;

/** The VM library as the CLI sees it: the same specs and sockets the app uses. */
final class VmLookup {
  private VmLookup() {}

  static BerthDirs dirs() {
    return BerthDirs.fromSystem();
  }

  /** The libvirt host {@code -c} named, or null for Berth's own library. */
  private static volatile String connection;

  static void connect(String uri) {
    connection = uri;
  }

  /** True after {@code -c URI}: VM names are that libvirt host's domains. */
  static boolean onLibvirt() {
    return connection != null;
  }

  static List<VmSpec> all(BerthDirs dirs) throws IOException {
    if (connection != null) {
      return dev.berth.backend.libvirt.LibvirtBackend.discover(connection);
    }
    VmStore store = new VmStore(dirs.config());
    store.ensureFirstRunDefaults();
    VmStore.LoadResult r = store.load();
    for (VmStore.LoadProblem p : r.problems()) {
      System.err.println("berth: " + p.file().getFileName() + ": " + p.reason());
    }
    return r.specs();
  }

  /** The spec named {@code name}, or a one-line error. */
  static VmSpec find(BerthDirs dirs, String name) throws CliError, IOException {
    for (VmSpec s : all(dirs)) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new CliError("no VM named '" + name + "' ('berth list' shows them)");
  }

  /** A failure to report as one line on stderr, with a non-zero exit. */
  static final class CliError extends Exception {
    CliError(String message) {
      super(message);
    }
  }
}
