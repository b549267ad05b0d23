package dev.berth.backend.qemu;

import dev.berth.vm.Backend;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Capability;
import dev.berth.vm.Reattach;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/** Real QEMU as a backend: VMs run detached, outlive the app and are reattached later. */
public final class QemuBackend implements Backend {
  /** What is known of a QEMU that ended while no Berth process watched it. */
  public static final String ENDED_UNWATCHED =
      "QEMU ended while no Berth watched it; its exit status is unknown";

  @Override
  public VmSpec.Backend kind() {
    return VmSpec.Backend.QEMU;
  }

  @Override
  public String emulator(VmSpec spec) {
    try {
      QemuInstallation q = QemuInstallation.find(spec.arch());
      return "QEMU " + q.version() + " (" + q.binary() + ")";
    } catch (QemuInstallation.MissingException e) {
      return e.getMessage();
    }
  }

  @Override
  public Set<Capability> capabilities(VmSpec spec) {
    return QemuVm.capabilitiesOf(spec);
  }

  /** A saved state is the VM's, made by Berth: deleting the VM deletes it (or keeps it aside). */
  @Override
  public java.util.List<java.nio.file.Path> madeFiles(VmSpec spec, BerthDirs dirs) {
    return new QemuSavedState(dirs, spec.name()).where().made();
  }

  @Override
  public Optional<String> savedState(VmSpec spec, BerthDirs dirs) {
    Optional<String> saved = new QemuSavedState(dirs, spec.name()).where().describe();
    if (saved.isPresent()) {
      return saved;
    }
    return new QemuSnapshots(spec, dirs).tagToLoad().map(tag -> "snapshot " + tag);
  }

  @Override
  public java.util.List<dev.berth.vm.Snapshot> snapshots(VmSpec spec, BerthDirs dirs)
      throws IOException {
    return new QemuSnapshots(spec, dirs).list();
  }

  @Override
  public dev.berth.vm.Snapshot takeSnapshot(
      VmSpec spec, BerthDirs dirs, String tag, String description) throws IOException {
    requireSnapshots(spec);
    return new QemuSnapshots(spec, dirs).take(tag, description);
  }

  @Override
  public void revertSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    requireSnapshots(spec);
    new QemuSnapshots(spec, dirs).revert(tag, new QemuSavedState(dirs, spec.name()));
  }

  @Override
  public void deleteSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    requireSnapshots(spec);
    new QemuSnapshots(spec, dirs).delete(tag);
  }

  private static void requireSnapshots(VmSpec spec) throws IOException {
    String problem = QemuSnapshots.problem(spec);
    if (problem != null) {
      throw new IOException(problem);
    }
  }

  @Override
  public RunningVm start(VmSpec spec, BerthDirs dirs) throws IOException {
    return QemuVm.launch(spec, dirs);
  }

  /** No verified QEMU process for the VM: it ended unwatched; its sockets and pid file go. */
  @Override
  public Optional<String> endedUnseen(VmSpec spec, BerthDirs dirs) {
    QemuRuntime rt = QemuRuntime.of(dirs, spec.name());
    if (rt.process().isPresent()) {
      return Optional.empty();
    }
    rt.clean();
    return Optional.of(ENDED_UNWATCHED);
  }

  /**
   * A QEMU an earlier Berth started: reattached if it still runs; if it is gone, its runtime
   * directory is cleaned and its run is lost, with an exit status nobody saw.
   */
  @Override
  public Reattach reattach(VmSpec spec, BerthDirs dirs) throws IOException {
    QemuRuntime rt = QemuRuntime.of(dirs, spec.name());
    if (!rt.isQemu() && rt.process().isEmpty()) {
      return Reattach.none();
    }
    Optional<QemuVm> live = QemuVm.attach(spec, dirs);
    if (live.isPresent()) {
      return Reattach.live(live.get(), rt.run().orElse(null));
    }
    Optional<Integer> run = rt.run();
    rt.clean();
    return run.map(
            n ->
                Reattach.lost(
                    n, "QEMU ended while no Berth watched it; its exit status is unknown"))
        .orElse(Reattach.none());
  }
}
