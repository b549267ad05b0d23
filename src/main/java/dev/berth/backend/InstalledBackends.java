package dev.berth.backend;

import dev.berth.backend.bundled.BundledBackend;
import dev.berth.backend.libvirt.LibvirtBackend;
import dev.berth.backend.qemu.QemuBackend;
import dev.berth.vm.Backends;
import java.util.List;

/** The one place backends are registered: the app and the CLI both take theirs from here. */
public final class InstalledBackends {
  private static final Backends ALL =
      new Backends(List.of(new BundledBackend(), new QemuBackend(), new LibvirtBackend()));

  private InstalledBackends() {}

  public static Backends all() {
    return ALL;
  }
}
