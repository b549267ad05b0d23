package dev.berth.vm;

import java.io.IOException;
import java.util.Set;

/**
 * A way to run VMs — the bundled core, QEMU — behind one interface, so the session, the app and the
 * CLI never name one. A new backend implements this and is registered in {@code
 * dev.berth.backend.InstalledBackends}; nothing else changes.
 */
public interface Backend {
  /** The specs this backend runs. */
  VmSpec.Backend kind();

  /** What runs {@code spec}'s VM, in words for the Overview ("QEMU 7.2.22 (/usr/bin/…)"). */
  String emulator(VmSpec spec);

  /** What {@code spec}'s machine can do before it runs (the running VM may know more). */
  Set<Capability> capabilities(VmSpec spec);

  /**
   * Builds and starts {@code spec}'s VM; blocks (images, a first disk, launching a process). The VM
   * delivers nothing until {@link RunningVm#begin()}.
   *
   * @throws IOException with one readable line
   */
  RunningVm start(VmSpec spec, BerthDirs dirs) throws IOException;

  /** A run of {@code spec} an earlier Berth left: still running, ended unseen, or none. */
  Reattach reattach(VmSpec spec, BerthDirs dirs) throws IOException;

  /**
   * If nothing runs {@code spec}'s VM now, what is known of how a run no Berth saw end ended; empty
   * while it runs somewhere. Cleans what such a run left behind.
   */
  java.util.Optional<String> endedUnseen(VmSpec spec, BerthDirs dirs);

  /**
   * Where a saved state of {@code spec}'s VM is, in words ("libvirt's managed save"), if its next
   * start restores one.
   */
  default java.util.Optional<String> savedState(VmSpec spec, BerthDirs dirs) {
    return java.util.Optional.empty();
  }

  /** The VM's snapshots, oldest first; empty where the backend has none. */
  default java.util.List<Snapshot> snapshots(VmSpec spec, BerthDirs dirs) throws IOException {
    return java.util.List.of();
  }

  /**
   * Takes snapshot {@code tag} of a VM that is not running: its disks, and its saved state if it
   * has one.
   *
   * @throws IOException with one line if it cannot
   */
  default Snapshot takeSnapshot(VmSpec spec, BerthDirs dirs, String tag, String description)
      throws IOException {
    throw new IOException(Capability.SNAPSHOTS.missing());
  }

  /**
   * Puts a VM that is not running back to snapshot {@code tag}: its disks, and as its saved state
   * the snapshot's machine state if it has one (the next start goes on from there).
   */
  default void revertSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    throw new IOException(Capability.SNAPSHOTS.missing());
  }

  default void deleteSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    throw new IOException(Capability.SNAPSHOTS.missing());
  }

  /**
   * What {@code action} does on this backend beyond what its row says, for the user to read before
   * ("libvirt marks the domain tainted"); empty if nothing.
   */
  default String caveat(VmSpec spec, VmAction action) {
    return "";
  }

  /**
   * The host at {@code uri} whose VMs this backend lists, connecting in the background.
   *
   * @throws IOException with one line when this backend has no hosts or cannot reach any (its
   *     library is missing)
   */
  default VmHost host(String uri) throws IOException {
    throw new IOException(kind() + " VMs have no hosts");
  }

  /**
   * The files this backend made for {@code spec}'s VM and keeps across runs (a data disk it
   * created), which deleting the VM deletes or keeps aside. Files the spec names are the user's.
   */
  default java.util.List<java.nio.file.Path> madeFiles(VmSpec spec, BerthDirs dirs) {
    return java.util.List.of();
  }
}
