package dev.berth.vm;

/** The lifecycle states a user sees, in libvirt's vocabulary. */
public enum VmState {
  SHUT_OFF("Shut off"),
  STARTING("Starting"),
  RUNNING("Running"),
  PAUSED("Paused"),
  SUSPENDED("Suspended"),
  POWERING_DOWN("Powering down"),
  SHUTTING_DOWN("Shutting down"),
  STOPPING("Stopping"),
  /** Its state is being written to disk; the run ends as saved. */
  SAVING("Saving state"),
  /** Starting from a saved state: the guest goes on where it was. */
  RESTORING("Restoring"),
  /** Its host cannot be reached: it may run on, unseen, until the host answers again. */
  UNREACHABLE("Host unreachable"),
  CRASHED("Crashed");

  private final String label;

  VmState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public boolean isActive() {
    return this != SHUT_OFF && this != CRASHED;
  }
}
