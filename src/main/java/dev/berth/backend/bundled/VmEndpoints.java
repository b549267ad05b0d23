package dev.berth.backend.bundled;

import dev.berth.core.machine.Machine;
import dev.berth.event.MachineEvent;
import dev.berth.qmp.Version;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSockets;
import java.io.IOException;

/**
 * The sockets a running bundled-core VM serves, in its runtime directory: QMP, the serial console
 * and, if the machine has the channel, the guest agent's. All close when the machine's run ends.
 */
public final class VmEndpoints {
  private VmEndpoints() {}

  public static void open(Machine machine, BerthDirs dirs, String vm) throws IOException {
    open(machine, dirs, vm, e -> {});
  }

  /**
   * As above; {@code onTheRun} hears of the snapshots QMP clients take and go back to, for the
   * run's history (Berth's own events: they are not sent on QMP, where the jobs speak for them).
   */
  public static void open(
      Machine machine,
      BerthDirs dirs,
      String vm,
      java.util.function.Consumer<dev.berth.event.MachineEvent> onTheRun)
      throws IOException {
    VmSockets.vmDir(dirs, vm);
    BundledSnapshots snapshots = new BundledSnapshots(dirs, vm);
    new QmpServer(
        machine,
        VmSockets.qmp(dirs, vm),
        Version.current(),
        new QmpCommands.StateOps() {
          @Override
          public java.util.concurrent.CompletableFuture<Long> save() {
            return BundledBackend.save(machine, dirs);
          }

          @Override
          public java.util.concurrent.CompletableFuture<?> snapshot(String tag, String text) {
            return told(snapshots.take(machine, tag, text), MachineEvent.SNAPSHOT_SAVED, tag);
          }

          @Override
          public java.util.concurrent.CompletableFuture<?> revert(String tag) {
            return told(snapshots.revert(machine, tag), MachineEvent.SNAPSHOT_LOADED, tag);
          }

          private java.util.concurrent.CompletableFuture<?> told(
              java.util.concurrent.CompletableFuture<?> work, String event, String tag) {
            return work.thenApply(
                done -> {
                  onTheRun.accept(MachineEvent.snapshot(event, tag));
                  return done;
                });
          }

          @Override
          public void delete(String tag) throws IOException {
            snapshots.delete(tag);
          }
        });
    new SerialServer(machine, VmSockets.serial(dirs, vm));
    if (machine.agentPort() != null) {
      new AgentServer(machine, VmSockets.qga(dirs, vm));
    }
  }
}
