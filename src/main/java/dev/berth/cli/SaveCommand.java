package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth save NAME}: the power menu's Save state, as {@code berth power NAME save}. */
@Command(
    name = "save",
    description = {
      "Write a running VM's whole state to disk and stop it; 'berth start' (or Start in the app)",
      "goes on where the guest was. The bundled core writes its own state file, QEMU its",
      "migration stream (then quits), libvirt VMs (-c URI) use libvirt's managed save."
    },
    mixinStandardHelpOptions = true)
public final class SaveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "the running VM")
  String name;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      defaultValue = "120",
      description = "seconds to wait for the state to be on disk (default ${DEFAULT-VALUE})")
  int timeout;

  @Override
  public Integer call() {
    PowerCommand power = new PowerCommand();
    power.name = name;
    power.action = dev.berth.vm.VmAction.SAVE_STATE.verb();
    power.await = true;
    power.timeout = timeout;
    return power.call();
  }
}
