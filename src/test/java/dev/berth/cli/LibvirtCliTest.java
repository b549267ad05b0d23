package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.libvirt.LibvirtTestDomain;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth -c URI …} as virsh has it: the host's domains listed, their state, their power. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibvirtCliTest {
  @TempDir Path home;

  @Test
  void listStatusAndPowerOnALibvirtHost() throws Exception {
    CliProcess cli = new CliProcess(home);
    String uri = LibvirtTestDomain.URI;
    try (LibvirtTestDomain d = LibvirtTestDomain.define("berth-cli-x86")) {
      CliProcess.Result list = cli.run("-c", uri, "list");
      assertEquals(0, list.status(), list.err());
      assertTrue(
          list.out().contains("berth-cli-x86") && list.out().contains("libvirt"), list.out());
      assertTrue(cli.run("-c", uri, "status", d.name()).out().contains("shut off"));

      assertEquals(1, cli.run("-c", uri, "power", d.name(), "button").status(), "not running");
      // start it through libvirt, as virsh start would; then the button from Berth's CLI
      dev.berth.vm.VmSpec spec = dev.berth.vm.VmSpec.libvirt(d.name(), uri);
      dev.berth.backend.InstalledBackends.all().forSpec(spec).start(spec, null);
      assertTrue(cli.run("-c", uri, "status", d.name()).out().contains("running"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      CliProcess.Result down;
      do { // until acpid in the guest answers the button
        down = cli.run("-c", uri, "power", d.name(), "button", "--wait", "--timeout", "5");
      } while (down.status() != 0 && System.nanoTime() < deadline);
      assertEquals(0, down.status(), down.err());
      CliProcess.Result after = cli.run("-c", uri, "status", d.name());
      assertTrue(after.out().contains("shut off (shutdown)"), after.out());

      CliProcess.Result unknown = cli.run("-c", uri, "status", "no-such-domain");
      assertEquals(1, unknown.status());
      assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
    }
  }
}
