package dev.berth.event;

/** The machine's run state, named as QEMU's {@code query-status} names them. */
public enum RunState {
  PRELAUNCH("prelaunch"),
  RUNNING("running"),
  PAUSED("paused"),
  SUSPENDED("suspended"),
  SHUTDOWN("shutdown"),
  INTERNAL_ERROR("internal-error");

  private final String qapiName;

  RunState(String qapiName) {
    this.qapiName = qapiName;
  }

  public String qapiName() {
    return qapiName;
  }

  /** The run state QMP event {@code e} leaves a machine in that was in this one. */
  public RunState after(MachineEvent e) {
    return switch (e.name()) {
      case MachineEvent.STOP -> PAUSED;
      case MachineEvent.RESUME, MachineEvent.WAKEUP -> RUNNING;
      case MachineEvent.RESET -> this == SUSPENDED ? RUNNING : this; // a reset wakes a sleeper
      case MachineEvent.SUSPEND -> SUSPENDED;
      case MachineEvent.SHUTDOWN -> SHUTDOWN;
      default -> this;
    };
  }

  /** The state {@code query-status} names {@code name}, or null. */
  public static RunState ofQapiName(String name) {
    for (RunState s : values()) {
      if (s.qapiName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
