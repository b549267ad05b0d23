package dev.berth.event;

/**
 * How a run ended. {@link Kind#SHUTDOWN} carries the cause of the SHUTDOWN event that preceded it;
 * {@link Kind#FAILURE} a guest's failure code; {@link Kind#KILLED} is the SIGKILL analogue (no
 * event at all); {@link Kind#CRASHED} an error inside the emulator, with its message; {@link
 * Kind#UNKNOWN} a run that ended where no one could see how (a reattached QEMU gone without a
 * SHUTDOWN event, a Berth killed while it ran a VM): never called a crash, since it may not be one.
 */
public record MachineExit(Kind kind, ShutdownCause cause, int code, String detail) {
  public enum Kind {
    SHUTDOWN,
    FAILURE,
    KILLED,
    CRASHED,
    UNKNOWN,
    /** The machine's whole state went to disk: the next start goes on where it was. */
    SAVED
  }

  /** A run whose end nobody saw: {@code detail} says what is known. */
  public static MachineExit unknown(String detail) {
    return new MachineExit(Kind.UNKNOWN, null, 0, detail);
  }

  /** A run that ended by saving its state; {@code detail} says where it went. */
  public static MachineExit saved(String detail) {
    return new MachineExit(Kind.SAVED, null, 0, detail);
  }

  public static MachineExit shutdown(ShutdownCause cause) {
    return new MachineExit(Kind.SHUTDOWN, cause, 0, "");
  }

  public static MachineExit failure(int code) {
    return new MachineExit(Kind.FAILURE, null, code, "");
  }

  public static MachineExit killed() {
    return new MachineExit(Kind.KILLED, null, 0, "");
  }

  public static MachineExit crashed(String detail) {
    return new MachineExit(Kind.CRASHED, ShutdownCause.HOST_ERROR, 1, detail);
  }

  /**
   * The exit status {@code qemu-system-riscv64} would have: 0 after any shutdown, the guest's code
   * after a failure exit, 137 after SIGKILL, 1 after an emulator error.
   */
  public int exitStatus() {
    return switch (kind) {
      case SHUTDOWN, SAVED -> 0;
      case FAILURE -> code;
      case KILLED -> 137;
      case CRASHED, UNKNOWN -> 1;
    };
  }

  /** One line for a user. */
  public String describe() {
    return switch (kind) {
      case SHUTDOWN -> "shut down (" + cause.qapiName() + ")";
      case FAILURE -> "guest failure exit with code " + code;
      case KILLED -> "killed, no shutdown event";
      case CRASHED -> "emulator error: " + detail;
      case UNKNOWN -> "ended, status unknown: " + detail;
      case SAVED -> "saved: " + detail;
    };
  }
}
