package dev.berth.vm;

import dev.berth.event.MachineExit;
import java.io.IOException;
import java.util.List;

/**
 * Runs that ended where no Berth saw it: they get an end in the history that says so ("Ended, exit
 * status unknown: …"), so every run has one, and an old run's end is never shown as the latest when
 * a newer one ended unseen.
 */
public final class LostRuns {
  /** What is known when a Berth process died (killed, host stopped) while it ran a VM. */
  public static final String BERTH_GONE =
      "the Berth process that ran it ended without recording how the run ended";

  private static final System.Logger LOG = System.getLogger(LostRuns.class.getName());

  private LostRuns() {}

  /** The number of the last run if it has no end, else null. */
  public static Integer openRun(List<Run> runs) {
    if (runs.isEmpty()) {
      return null;
    }
    Run last = runs.get(runs.size() - 1);
    return last.end() == null ? last.number() : null;
  }

  /** Records that run {@code run} of {@code vm} ended unseen, with what is known. */
  public static void end(RunHistory history, String vm, int run, String detail) {
    try (RunRecorder r = history.continueRun(vm, run)) {
      MachineExit lost = MachineExit.unknown(detail);
      r.end(lost, Lifecycle.describe(lost));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot record the end of run " + run + " of " + vm, e);
    }
  }
}
