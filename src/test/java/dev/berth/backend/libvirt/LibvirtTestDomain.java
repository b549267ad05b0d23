package dev.berth.backend.libvirt;

import dev.berth.backend.qemu.X86TestGuest;
import java.nio.file.Path;

/**
 * A libvirt domain made from the x86 test guest on the local libvirtd ({@code qemu:///system},
 * started by scripts/libvirtd.sh): ACPI on, a pty serial, the guest agent's channel, a VGA card
 * whose VNC server listens nowhere. Defined fresh, and destroyed and undefined by {@link #close},
 * pass or fail.
 */
public final class LibvirtTestDomain implements AutoCloseable {
  public static final String URI = "qemu:///system";

  private final String name;

  private LibvirtTestDomain(String name) {
    this.name = name;
  }

  /**
   * Defines {@code name} (replacing one a failed run left).
   *
   * @param params kernel parameters for the guest's init: {@code acpid=0}, {@code agent=0}
   */
  public static LibvirtTestDomain define(String name, String... params) throws Exception {
    return define(name, null, params);
  }

  /** As {@link #define(String, String...)}, with {@code disk} (a qcow2 image) as its vda. */
  public static LibvirtTestDomain define(String name, Path disk, String... params)
      throws Exception {
    X86TestGuest.ensureBuilt();
    LibvirtHost host = LibvirtHost.of(URI);
    if (host.domainNames().contains(name)) {
      new LibvirtTestDomain(name).close();
    }
    host.define(xml(name, String.join(" ", params), disk));
    return new LibvirtTestDomain(name);
  }

  /** Kills this machine's libvirtd, for tests of a lost host (see {@link #ensureLibvirtd}). */
  public static void killLibvirtd() throws Exception {
    Libvirtd.kill();
  }

  /** Starts libvirtd again if none answers; returns when one does. */
  public static void ensureLibvirtd() throws Exception {
    Libvirtd.ensureUp();
  }

  public String name() {
    return name;
  }

  static String xml(String name, String params, Path disk) {
    Path g = X86TestGuest.DIR;
    return "<domain type='qemu'><name>"
        + name
        + "</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
        + "<os><type arch='x86_64' machine='pc'>hvm</type>"
        + "<kernel>"
        + g.resolve("vmlinuz")
        + "</kernel><initrd>"
        + g.resolve("initramfs.cpio.gz")
        + "</initrd><cmdline>console=ttyS0 quiet panic=-1 "
        + params
        + "</cmdline></os>"
        + "<features><acpi/></features><devices>"
        + (disk == null
            ? ""
            : "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='"
                + disk
                + "'/><target dev='vda' bus='virtio'/></disk>")
        + "<serial type='pty'><target port='0'/></serial>"
        + "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
        // VNC with no listener at all: clients come only through libvirt's graphics descriptor
        + "<graphics type='vnc'><listen type='none'/></graphics>"
        + "<video><model type='vga'/></video>"
        + "</devices></domain>";
  }

  @Override
  public void close() throws java.io.IOException {
    LibvirtHost host = LibvirtHost.of(URI);
    if (LibvirtVm.runState(host.state(name)[0]) != dev.berth.event.RunState.SHUTDOWN) {
      host.withDomain(name, dom -> host.c().virDomainDestroyFlags(dom, 0));
    }
    host.undefine(name);
  }
}
