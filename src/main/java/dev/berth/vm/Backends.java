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

  /** The backend that runs {@code spec}. */
  public Backend forSpec(VmSpec spec) {
    Backend b = byKind.get(spec.backend());
    if (b == null) {
      throw new IllegalArgumentException("no backend for " + spec.backend());
    }
    return b;
  }
}
