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
      dev.berth.backend.InstalledBackends.all()
          .forSpec(spec)
          .start(spec, new dev.berth.vm.BerthDirs(java.util.Map.of(), home));
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

  /**
   * The same commands on a remote host, reached through ssh: {@code events --follow} and {@code
   * console} stay attached in processes of their own while the button powers the guest off.
   */
  @Test
  void eventsConsoleAndPowerOverSsh() throws Exception {
    CliProcess cli = new CliProcess(home);
    try (dev.berth.testing.LoopbackSsh ssh = dev.berth.testing.LoopbackSsh.start();
        LibvirtTestDomain d = LibvirtTestDomain.define("berth-cli-ssh")) {
      String uri = ssh.libvirtUri();
      long t0 = System.nanoTime();
      CliProcess.Result list = cli.run("-c", uri, "list");
      long listMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(0, list.status(), list.err());
      assertTrue(list.out().contains("berth-cli-ssh"), list.out());
      System.out.println("berth -c qemu+ssh://… list: " + listMillis + " ms, JVM start included");

      dev.berth.vm.VmSpec spec = dev.berth.vm.VmSpec.libvirt(d.name(), LibvirtTestDomain.URI);
      dev.berth.backend.InstalledBackends.all()
          .forSpec(spec)
          .start(spec, new dev.berth.vm.BerthDirs(java.util.Map.of(), home));
      Process events = cli.berth("-c", uri, "events", d.name(), "--follow").start();
      Process console = cli.berth("-c", uri, "console", d.name()).start();
      try {
        java.io.BufferedReader out =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    console.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        // the shell may not be up yet: ask until it answers through the stream
        var echoed = new java.util.concurrent.CompletableFuture<Void>();
        Thread reader =
            new Thread(
                () -> {
                  try {
                    String line;
                    while ((line = out.readLine()) != null) {
                      if (line.contains("via-ssh-42")) {
                        echoed.complete(null);
                      }
                    }
                  } catch (java.io.IOException e) {
                    echoed.completeExceptionally(e);
                  }
                });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!echoed.isDone()) {
          assertTrue(System.nanoTime() < deadline, "the console never echoed over ssh");
          console.getOutputStream().write("echo via-ssh-$((6*7))\n".getBytes());
          console.getOutputStream().flush();
          try {
            echoed.get(2, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException again) {
            // not booted yet
          }
        }
        CliProcess.Result down;
        do { // until acpid in the guest answers the button
          down = cli.run("-c", uri, "power", d.name(), "button", "--wait", "--timeout", "10");
        } while (down.status() != 0 && System.nanoTime() < deadline);
        assertEquals(0, down.status(), down.err());
        assertTrue(events.waitFor(30, TimeUnit.SECONDS), "events --follow did not end");
        String printed =
            new String(
                events.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(printed.contains("POWERDOWN"), printed);
        assertTrue(printed.contains("\"reason\":\"guest-shutdown\""), printed);
        assertTrue(printed.contains("end: Guest powered off (guest-shutdown)"), printed);
        assertTrue(console.waitFor(30, TimeUnit.SECONDS), "the console did not end with the run");
        assertEquals(0, console.exitValue());
      } finally {
        events.destroyForcibly();
        console.destroyForcibly();
      }
    }
  }
}
