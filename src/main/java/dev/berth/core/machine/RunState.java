package dev.berth.core.machine;

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
}
