package dev.berth.backend.bundled;

import dev.berth.core.machine.Machine;
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
            return snapshots.take(machine, tag, text);
          }

          @Override
          public java.util.concurrent.CompletableFuture<?> revert(String tag) {
            return snapshots.revert(machine, tag);
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
