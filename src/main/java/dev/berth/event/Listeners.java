package dev.berth.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The listeners of one run, as every backend keeps them: each gets every event in order, and one
 * that throws is logged while the others still get the event — a bad listener never stops the
 * thread that delivers them (the core's worker, QEMU's event watcher).
 */
public final class Listeners {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final List<MachineListener> list = new CopyOnWriteArrayList<>();

  public void add(MachineListener l) {
    list.add(l);
  }

  public void remove(MachineListener l) {
    list.remove(l);
  }

  public void event(MachineEvent e) {
    for (MachineListener l : list) {
      try {
        l.onEvent(e);
      } catch (RuntimeException | LinkageError ex) {
        LOG.log(System.Logger.Level.WARNING, "a listener failed on " + e.name(), ex);
      }
    }
  }

  public void exit(MachineExit x) {
    for (MachineListener l : list) {
      try {
        l.onExit(x);
      } catch (RuntimeException | LinkageError ex) {
        LOG.log(System.Logger.Level.WARNING, "a listener failed on the run's end", ex);
      }
    }
  }
}
