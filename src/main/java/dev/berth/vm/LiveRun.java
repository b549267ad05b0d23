package dev.berth.vm;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import java.util.ArrayList;
import java.util.List;

/** The run under way, as it happens: the same shape {@link RunHistory} reads back. */
public final class LiveRun {
  private final int number;
  private final long startMicros;
  private final List<Run.Segment> closed = new ArrayList<>();
  private final List<MachineEvent> events = new ArrayList<>();
  private VmState state;
  private long stateSince;
  private Run.End end;
  private final List<Run.ConsoleLine> steps = new ArrayList<>();
  private String origin = "";

  public LiveRun(int number, long startMicros, VmState first) {
    this.number = number;
    this.startMicros = startMicros;
    this.state = first;
    this.stateSince = startMicros;
  }

  public void state(VmState next, long tMicros) {
    if (end != null || next == state) {
      return;
    }
    closed.add(new Run.Segment(state, stateSince, tMicros));
    state = next;
    stateSince = tMicros;
  }

  public void event(MachineEvent e) {
    events.add(e);
  }

  /** Who started it ({@link Run#CLI}), as the history's start record says. */
  public void origin(String by) {
    origin = by == null ? "" : by;
  }

  /** A line the guest printed while stopping; false once {@link Run#MAX_STEPS} are kept. */
  public boolean step(Run.ConsoleLine line) {
    if (end != null || steps.size() >= Run.MAX_STEPS) {
      return false;
    }
    steps.add(line);
    return true;
  }

  public void end(MachineExit exit, String words, long tMicros) {
    state(exit.kind() == MachineExit.Kind.CRASHED ? VmState.CRASHED : VmState.SHUT_OFF, tMicros);
    end = new Run.End(tMicros, exit.kind(), exit.cause(), exit.code(), words);
  }

  /** A snapshot; the last segment is open while the run goes on. */
  public Run snapshot() {
    List<Run.Segment> segments = new ArrayList<>(closed);
    if (end == null) {
      segments.add(new Run.Segment(state, stateSince, null));
    }
    return new Run(number, startMicros, segments, events, end, origin, steps);
  }
}
