package dev.berth.vm;

import dev.berth.display.GuestDisplay;
import java.util.List;
import java.util.Set;

/**
 * What a {@link VmSession} tells the app's view model, the CLI and tests. Called on the session's
 * own thread, in order; an implementation must return quickly (the app hands each call to the FX
 * thread). One that throws is logged and the others are still called.
 */
public interface SessionListener {
  default void stateChanged(VmState state) {}

  /** Past runs from the history, then the one under way. */
  default void runsChanged(List<Run> runs) {}

  /** How the last run ended, in words ("Last run: …" before a new run's end is known). */
  default void lastEnd(String words) {}

  /** A one-line message for the status bar: what the last action did, or why it could not. */
  default void message(String line) {}

  /** A line for the event log: an event as QMP's JSON, or a note such as "(start) …". */
  default void logged(String line) {}

  /**
   * Seconds since the guest was asked to shut down while it has not stopped; -1 when no one waits.
   *
   * @param timedOut the VM's power-button timeout has passed: offer force off
   */
  default void waiting(int seconds, boolean timedOut) {}

  /** Whether a guest agent answers, in words; "" when the VM is off. */
  default void agent(String words) {}

  /** Uptime, guest speed, host CPU; "" when off. Once a second while running. */
  default void stats(String line) {}

  /** Once a second while the VM runs: its figures for the Overview's graphs. */
  default void sample(VmSample sample) {}

  /** The run's graphical console, or null. */
  default void display(GuestDisplay display) {}

  /** What runs the VM ("QEMU 7.2.22 (…)") or why it cannot. */
  default void emulator(String words) {}

  /** How the guest's code runs and why ("TCG: …"); "" if the backend has no choice. */
  default void accelerator(String words) {}

  /** What the VM (running, or as its spec says) can do; the actions follow it. */
  default void capabilities(Set<Capability> can) {}

  /**
   * The guest seems stuck: it has printed nothing for a while and keeps its CPU busy ("" once it
   * prints again, pauses or stops).
   */
  default void stalled(String words) {}

  /** The guest boots again within the run (a reset; {@code why} is its reason, "guest-reset"). */
  default void rebooted(String why) {}

  /** A run ended that the user did not end (or it crashed). */
  default void unexpectedStop(String words) {}
}
