package dev.berth.event;

/**
 * Receives a machine's events, in order, on its worker thread. Implementations must return quickly
 * and must not block (hand work to another thread, e.g. the FX thread). No lock is held while they
 * are called, so they may post requests back to the machine.
 */
public interface MachineListener {
  void onEvent(MachineEvent event);

  /** The run is over; called once, after the last event. */
  default void onExit(MachineExit exit) {}

  /** A listener that only runs {@code action} when the run is over. */
  static MachineListener atExit(Runnable action) {
    return new MachineListener() {
      @Override
      public void onEvent(MachineEvent event) {}

      @Override
      public void onExit(MachineExit exit) {
        action.run();
      }
    };
  }
}
