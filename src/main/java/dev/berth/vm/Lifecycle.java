package dev.berth.vm;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.RunState;

/**
 * Turns what a user asked for and the QMP-shaped events a backend reports into the state a user
 * sees, and the end of a run into words. Pure logic: no threads, no JavaFX.
 */
public final class Lifecycle {
  private VmState state = VmState.SHUT_OFF;
  private VmState beforeLoss = VmState.RUNNING;

  public VmState state() {
    return state;
  }

  public void starting() {
    state = VmState.STARTING;
  }

  /** A start that restores a saved state. */
  public void restoring() {
    state = VmState.RESTORING;
  }

  /** Saving the VM's state was asked for: the run ends once it is on disk. */
  public void saving() {
    if (state.isActive()) {
      state = VmState.SAVING;
    }
  }

  /** A start that failed before the VM ran: nothing happened. */
  public void startFailed() {
    state = VmState.SHUT_OFF;
  }

  /** Reattached to a VM that was already running, in the backend's run state. */
  public void attached(RunState runState) {
    state =
        switch (runState) {
          case PAUSED -> VmState.PAUSED;
          case SUSPENDED -> VmState.SUSPENDED;
          case SHUTDOWN -> VmState.STOPPING;
          default -> VmState.RUNNING;
        };
  }

  /** The VM's host was lost: the run goes on as far as anyone knows, unseen. */
  public void unreachable() {
    if (state.isActive() && state != VmState.UNREACHABLE) {
      beforeLoss = state;
      state = VmState.UNREACHABLE;
    }
  }

  /**
   * The host is back and the VM is in {@code now}: a shutdown asked for before the loss is still
   * under way if the guest still runs.
   */
  public void reachable(RunState now) {
    if (state != VmState.UNREACHABLE) {
      return;
    }
    VmState was = beforeLoss;
    attached(now);
    if (state == VmState.RUNNING
        && (was == VmState.POWERING_DOWN || was == VmState.SHUTTING_DOWN)) {
      state = was;
    }
  }

  public void started() {
    state = VmState.RUNNING;
  }

  /** The host pressed the power button: the guest has not answered yet. */
  public void buttonPressed() {
    if (state == VmState.RUNNING) {
      state = VmState.POWERING_DOWN;
    }
  }

  /** A host termination (quit, terminate, kill) is in progress. */
  public void stopping() {
    if (state.isActive()) {
      state = VmState.STOPPING;
    }
  }

  public void onEvent(MachineEvent e) {
    if (state == VmState.SAVING) {
      return; // the pause and the stop that saving makes are not the user's: it is saving
    }
    switch (e.name()) {
      // whoever pressed it (this app, the CLI, any QMP client): the guest has not answered yet
      case MachineEvent.POWERDOWN -> buttonPressed();
      case MachineEvent.STOP -> state = VmState.PAUSED;
      case MachineEvent.RESUME, MachineEvent.WAKEUP -> state = VmState.RUNNING;
      case MachineEvent.SUSPEND -> state = VmState.SUSPENDED;
      case MachineEvent.RESET -> state = VmState.RUNNING;
      case MachineEvent.SHUTDOWN ->
          state =
              e.cause() != null && e.cause().isGuest() ? VmState.SHUTTING_DOWN : VmState.STOPPING;
      default -> {}
    }
  }

  public void onExit(MachineExit exit) {
    state = exit.kind() == MachineExit.Kind.CRASHED ? VmState.CRASHED : VmState.SHUT_OFF;
  }

  /** How a run ended, in words a user reads. */
  public static String describe(MachineExit exit) {
    return switch (exit.kind()) {
      case SHUTDOWN ->
          switch (exit.cause()) {
            case GUEST_SHUTDOWN -> "Guest powered off (guest-shutdown)";
            case HOST_QMP_QUIT -> "Emulator quit by host (host-qmp-quit)";
            case HOST_SIGNAL -> "Terminated by signal (host-signal)";
            default -> "Shut down (" + exit.cause().qapiName() + ")";
          };
      case FAILURE -> "Guest failure exit, code " + exit.code();
      case KILLED -> "Killed — no shutdown event";
      case CRASHED -> "Emulator error: " + exit.detail();
      case UNKNOWN -> "Ended, exit status unknown: " + exit.detail();
      case SAVED -> "Saved: " + exit.detail();
    };
  }
}
