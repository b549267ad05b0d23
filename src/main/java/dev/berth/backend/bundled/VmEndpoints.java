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
    new QmpServer(
        machine,
        VmSockets.qmp(dirs, vm),
        Version.current(),
        () -> BundledBackend.save(machine, dirs));
    new SerialServer(machine, VmSockets.serial(dirs, vm));
    if (machine.agentPort() != null) {
      new AgentServer(machine, VmSockets.qga(dirs, vm));
    }
  }
}
