package dev.berth.backend.qemu;

import dev.berth.vm.VmSpec;
import java.util.Locale;

/**
 * The accelerator a QEMU VM runs with ({@code kvm} or {@code tcg}, as QEMU's {@code accel=} takes
 * it) and why, in words the Overview shows: "TCG: KVM ran no guest past real mode within 5 s".
 *
 * @param warning true when the user forced KVM although the probe says it does not work here: the
 *     guest may make no progress, which the app and the CLI say at start
 */
public record AccelDecision(String accel, String reason, boolean warning) {
  private static final System.Logger LOG = System.getLogger(AccelDecision.class.getName());

  static AccelDecision kvm(String reason) {
    return new AccelDecision("kvm", reason, false);
  }

  static AccelDecision tcg(String reason) {
    return new AccelDecision("tcg", reason, false);
  }

  /** "KVM: …" or "TCG: …". */
  public String describe() {
    return accel.toUpperCase(Locale.ROOT) + ": " + reason;
  }

  /**
   * The accelerator for a VM whose setting is {@code setting}. {@code BERTH_ACCEL} (environment) or
   * the {@code berth.accel} property, when {@code kvm} or {@code tcg}, overrides every VM's
   * setting: the test suite forces one for itself and the CLI processes it starts.
   */
  public static AccelDecision decide(VmSpec.Accel setting, QemuInstallation qemu) {
    String override = System.getProperty("berth.accel", System.getenv("BERTH_ACCEL"));
    VmSpec.Accel chosen = setting;
    String by = "the VM's settings";
    for (VmSpec.Accel a : VmSpec.Accel.values()) {
      if (a != VmSpec.Accel.AUTO && a.id().equalsIgnoreCase(override)) {
        chosen = a;
        by = "BERTH_ACCEL=" + a.id();
      }
    }
    AccelDecision d =
        switch (chosen) {
          case TCG -> tcg("chosen in " + by);
          case AUTO -> KvmProbe.verdict(qemu);
          case KVM -> {
            AccelDecision probe = KvmProbe.verdict(qemu);
            yield probe.accel.equals("kvm")
                ? kvm("forced in " + by + "; the probe agrees: " + probe.reason)
                : new AccelDecision(
                    "kvm",
                    "forced in "
                        + by
                        + ", but the guest may make no progress: "
                        + probe.reason
                        + " (TCG would be used on auto)",
                    true);
          }
        };
    LOG.log(System.Logger.Level.INFO, qemu.binary() + ": " + d.describe());
    return d;
  }
}
