package dev.berth.event;

/** Why a machine shut down or reset: QEMU's ShutdownCause, in QEMU's order and spelling. */
public enum ShutdownCause {
  NONE("none"),
  HOST_ERROR("host-error"),
  HOST_QMP_QUIT("host-qmp-quit"),
  HOST_QMP_SYSTEM_RESET("host-qmp-system-reset"),
  HOST_SIGNAL("host-signal"),
  HOST_UI("host-ui"),
  GUEST_SHUTDOWN("guest-shutdown"),
  GUEST_RESET("guest-reset"),
  GUEST_PANIC("guest-panic"),
  SUBSYSTEM_RESET("subsystem-reset"),
  SNAPSHOT_LOAD("snapshot-load");

  private final String qapiName;

  ShutdownCause(String qapiName) {
    this.qapiName = qapiName;
  }

  /** The name QMP puts in {@code SHUTDOWN.reason}. */
  public String qapiName() {
    return qapiName;
  }

  /** True exactly for the guest-* causes: QMP's {@code guest} flag. */
  public boolean isGuest() {
    return this == GUEST_SHUTDOWN || this == GUEST_RESET || this == GUEST_PANIC;
  }

  public static ShutdownCause fromQapiName(String name) {
    for (ShutdownCause c : values()) {
      if (c.qapiName.equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown shutdown cause: " + name);
  }
}
