package dev.berth.backend.libvirt;

/** libvirt's domain states and their reasons in the words virsh uses ("shut off (destroyed)"). */
final class LibvirtWords {
  private LibvirtWords() {}

  static String state(int state, int reason) {
    return switch (state) {
      case LibvirtC.STATE_RUNNING -> "running" + reason(reason, RUNNING);
      case LibvirtC.STATE_BLOCKED -> "idle";
      case LibvirtC.STATE_PAUSED -> "paused" + reason(reason, PAUSED);
      case LibvirtC.STATE_SHUTDOWN -> "in shutdown";
      case LibvirtC.STATE_SHUTOFF -> "shut off" + reason(reason, SHUTOFF);
      case LibvirtC.STATE_CRASHED -> "crashed";
      case LibvirtC.STATE_PMSUSPENDED -> "pmsuspended";
      default -> "no state";
    };
  }

  private static final String[] RUNNING = {
    "unknown",
    "booted",
    "migrated",
    "restored",
    "from snapshot",
    "unpaused",
    "migration canceled",
    "save canceled",
    "event wakeup",
    "crashed",
    "post-copy"
  };
  private static final String[] PAUSED = {
    "unknown",
    "user",
    "migrating",
    "saving",
    "dumping",
    "I/O error",
    "watchdog",
    "from snapshot",
    "shutting down",
    "creating snapshot",
    "crashed",
    "starting up",
    "post-copy",
    "post-copy failed"
  };
  private static final String[] SHUTOFF = {
    "unknown",
    "shutdown",
    "destroyed",
    "crashed",
    "migrated",
    "saved",
    "failed",
    "from snapshot",
    "daemon"
  };

  private static String reason(int r, String[] words) {
    return r > 0 && r < words.length ? " (" + words[r] + ")" : "";
  }
}
