package dev.berth.backend.bundled;

import dev.berth.core.boot.ImageException;
import dev.berth.vm.Backend;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Capability;
import dev.berth.vm.Reattach;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** The bundled core as a backend: its VMs run inside this process and end with it. */
public final class BundledBackend implements Backend {
  /** What every Berth board has: the PM block's power button and S3, signal analogues. */
  static final EnumSet<Capability> BOARD =
      EnumSet.of(
          Capability.POWER_BUTTON,
          Capability.SUSPEND,
          Capability.SIGINT,
          Capability.SIGNALS,
          Capability.SAVE_STATE,
          Capability.SNAPSHOTS);

  /** Where a bundled VM's saved state is: the core's own format, one file per VM. */
  static dev.berth.vm.SavedState savedState(BerthDirs dirs, String vm) {
    return new dev.berth.vm.SavedState(dirs, vm, "berth-state", "the core's saved state");
  }

  /** Saves {@code machine}'s whole state to its VM's file; completes with the file's size. */
  static java.util.concurrent.CompletableFuture<Long> save(
      dev.berth.core.machine.Machine machine, BerthDirs dirs) {
    try {
      Path file = savedState(dirs, machine.config().name()).prepare();
      return machine.saveState(file, dev.berth.qmp.Version.current());
    } catch (IOException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public VmSpec.Backend kind() {
    return VmSpec.Backend.BUNDLED;
  }

  @Override
  public String emulator(VmSpec spec) {
    return "Berth's bundled RISC-V core";
  }

  @Override
  public Set<Capability> capabilities(VmSpec spec) {
    return EnumSet.copyOf(BOARD);
  }

  @Override
  public RunningVm start(VmSpec spec, BerthDirs dirs) throws IOException {
    Path socket = VmSockets.qmp(dirs, spec.name());
    if (VmSockets.isLive(socket)) {
      throw new IOException("it is already running (" + socket + " answers)");
    }
    try {
      return BundledVm.create(spec, dirs);
    } catch (ImageException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Its process holds the VM's lock while it runs; a free lock means that process is gone. */
  @Override
  public java.util.Optional<String> endedUnseen(VmSpec spec, BerthDirs dirs) {
    return dev.berth.vm.VmLock.isHeld(dirs, spec.name())
        ? java.util.Optional.empty()
        : java.util.Optional.of(dev.berth.vm.LostRuns.BERTH_GONE);
  }

  /** The data disk Berth made for a guest without the user's, a saved state, the snapshots. */
  @Override
  public java.util.List<java.nio.file.Path> madeFiles(VmSpec spec, BerthDirs dirs) {
    java.util.List<java.nio.file.Path> made = new java.util.ArrayList<>();
    if (spec.disks().isEmpty()) {
      made.add(BundledMachines.ownDiskPath(spec.name(), dirs));
    }
    made.addAll(savedState(dirs, spec.name()).made());
    Path snapshots = BundledSnapshots.directory(dirs, spec.name());
    if (java.nio.file.Files.isDirectory(snapshots, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      made.add(snapshots);
    }
    return made;
  }

  @Override
  public java.util.List<dev.berth.vm.Snapshot> snapshots(VmSpec spec, BerthDirs dirs)
      throws IOException {
    return new BundledSnapshots(dirs, spec.name()).list();
  }

  @Override
  public dev.berth.vm.Snapshot takeSnapshot(
      VmSpec spec, BerthDirs dirs, String tag, String description) throws IOException {
    dev.berth.vm.SavedState saved = savedState(dirs, spec.name());
    return new BundledSnapshots(dirs, spec.name())
        .take(
            BundledMachines.diskPaths(spec, dirs),
            saved.exists() ? saved.file() : null,
            tag,
            description);
  }

  @Override
  public void revertSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    new BundledSnapshots(dirs, spec.name())
        .revert(BundledMachines.diskPaths(spec, dirs), savedState(dirs, spec.name()), tag);
  }

  @Override
  public void deleteSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    new BundledSnapshots(dirs, spec.name()).delete(tag);
  }

  @Override
  public java.util.Optional<String> savedState(VmSpec spec, BerthDirs dirs) {
    return savedState(dirs, spec.name()).describe();
  }

  /**
   * A bundled VM lives and dies with its process: one that another Berth process runs (it holds the
   * VM's lock and serves QMP) is taken up through its sockets, with that process's open run.
   */
  @Override
  public Reattach reattach(VmSpec spec, BerthDirs dirs) throws java.io.IOException {
    if (!dev.berth.vm.VmLock.isHeldElsewhere(dirs, spec.name())
        || !dev.berth.vm.VmSockets.isLive(dev.berth.vm.VmSockets.qmp(dirs, spec.name()))) {
      return Reattach.none();
    }
    return Reattach.live(ElsewhereVm.attach(spec, dirs), null);
  }
}
