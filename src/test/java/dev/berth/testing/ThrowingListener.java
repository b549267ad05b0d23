package dev.berth.testing;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;

/** A listener that throws on every event and at the run's end: the others must not notice. */
public final class ThrowingListener implements MachineListener {
  @Override
  public void onEvent(MachineEvent e) {
    throw new IllegalStateException("a bad listener on " + e.name());
  }

  @Override
  public void onExit(MachineExit exit) {
    throw new IllegalStateException("a bad listener at the end");
  }
}
