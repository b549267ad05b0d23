package dev.berth.vm;

/**
 * What a backend found of a run an earlier Berth process left: a VM still running (with the history
 * run it belongs to), a run that ended while no Berth watched, or nothing.
 *
 * @param live the running VM, or null
 * @param run the history run number the VM (or the lost run) belongs to, or null
 * @param lostDetail why the lost run's end is known only in part, or null
 */
public record Reattach(RunningVm live, Integer run, String lostDetail) {
  public static Reattach none() {
    return new Reattach(null, null, null);
  }

  public static Reattach live(RunningVm vm, Integer run) {
    return new Reattach(vm, run, null);
  }

  public static Reattach lost(int run, String detail) {
    return new Reattach(null, run, detail);
  }
}
