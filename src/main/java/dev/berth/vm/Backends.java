package dev.berth.vm;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The backends of this Berth, one per {@link VmSpec.Backend}. */
public final class Backends {
  private final Map<VmSpec.Backend, Backend> byKind = new EnumMap<>(VmSpec.Backend.class);

  public Backends(List<Backend> backends) {
    for (Backend b : backends) {
      byKind.put(b.kind(), b);
    }
  }

  /** The host at a libvirt {@code uri}, watched in the background; see {@link VmHost}. */
  public VmHost host(String uri) throws java.io.IOException {
    Backend b = byKind.get(VmSpec.Backend.LIBVIRT);
    if (b == null) {
      throw new java.io.IOException("this Berth has no libvirt backend");
    }
    return b.host(uri);
  }

  /** The backend that runs {@code spec}. */
  public Backend forSpec(VmSpec spec) {
    Backend b = byKind.get(spec.backend());
    if (b == null) {
      throw new IllegalArgumentException("no backend for " + spec.backend());
    }
    return b;
  }
}
