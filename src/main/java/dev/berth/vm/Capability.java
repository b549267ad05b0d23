package dev.berth.vm;

/**
 * What a VM's machine and backend can do, beyond the basics every backend has (quit, reset, pause):
 * the power menu enables an action only when its capability is there, and says why not.
 */
public enum Capability {
  POWER_BUTTON("this machine has no ACPI power button"),
  GUEST_AGENT("this machine has no guest-agent channel"),
  KEYBOARD("this machine has no keyboard"),
  SIGINT("the backend cannot send SIGINT alone"),
  SIGNALS("the backend cannot send signals"),
  SUSPEND("this machine cannot suspend"),
  SAVE_STATE("its backend cannot save a VM's state yet"),
  SNAPSHOTS("QEMU keeps snapshots in qcow2 disks only, and this VM has none or a raw one"),
  /** The VM runs on when this Berth process ends (QEMU in its own session, libvirt). */
  OUTLIVES_APP("the VM ends with this Berth"),
  /** On another host: files and sockets are not this machine's. */
  REMOTE("the VM runs on this host");

  private final String missing;

  Capability(String missing) {
    this.missing = missing;
  }

  /** Why an action that needs this is disabled, in words. */
  public String missing() {
    return missing;
  }
}
