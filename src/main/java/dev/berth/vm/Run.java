package dev.berth.vm;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.util.List;

/**
 * One run of a VM as {@link RunHistory} read it back, for drawing a timeline.
 *
 * @param number the run's number, counting from 1 for each VM
 * @param startMicros when it started, in microseconds since the epoch
 * @param segments the states it went through, in order; each ends where the next begins
 * @param events the QMP-shaped events it reported, in order
 * @param end how it ended, or null if no end was recorded (it is still running, or Berth stopped
 *     before it could record the end)
 */
public record Run(
    int number,
    long startMicros,
    List<Segment> segments,
    List<MachineEvent> events,
    End end,
    String origin,
    List<ConsoleLine> steps) {

  /** Who started a run from the command line ({@code berth start}), in {@link #origin}. */
  public static final String CLI = "cli";

  /**
   * @param origin who started it: {@link #CLI}, or "" (the app, or not recorded)
   * @param steps the lines the guest printed on its console while it was stopping: what it did with
   *     the request, or, when it powered itself off, the lines of its own shutdown (at most {@link
   *     #MAX_STEPS})
   */
  public Run {
    segments = List.copyOf(segments);
    events = List.copyOf(events);
    origin = origin == null ? "" : origin;
    steps = List.copyOf(steps);
  }

  /** A run with no recorded origin and no shutdown steps. */
  public Run(
      int number, long startMicros, List<Segment> segments, List<MachineEvent> events, End end) {
    this(number, startMicros, segments, events, end, "", List.of());
  }

  /** At most this many lines of a stopping guest's console are kept per run. */
  public static final int MAX_STEPS = 40;

  /** One line a guest printed on its console, without its line ending or escape sequences. */
  public record ConsoleLine(long tMicros, String text) {}

  /**
   * A stretch of time in one state.
   *
   * @param toMicros when it ended, or null if it is still open (the run's last state with no end)
   */
  public record Segment(VmState state, long fromMicros, Long toMicros) {
    public boolean isOpen() {
      return toMicros == null;
    }
  }

  /**
   * The end of a run.
   *
   * @param cause the shutdown cause, or null when the exit carries none (a failure exit, a kill)
   * @param code the guest's failure code for a failure exit, else the exit's code
   * @param words how the run ended, in words a user reads
   */
  public record End(
      long tMicros, MachineExit.Kind kind, ShutdownCause cause, int code, String words) {}
}
