package dev.berth.app;

import dev.berth.core.boot.ImageException;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.core.machine.MachineEvent;
import dev.berth.core.machine.MachineExit;
import dev.berth.core.machine.MachineListener;
import dev.berth.core.machine.RunState;
import dev.berth.qmp.QmpJson;
import dev.berth.vm.Lifecycle;
import dev.berth.vm.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One VM as the desktop sees it: observable state, the last run's end, the event log and the
 * console output. Machine callbacks arrive on the core's worker thread and are moved to the FX
 * thread; console bytes are buffered and drained by the view once per frame.
 */
public final class VmViewModel {
  /** libvirt's destroy: SIGTERM, then SIGKILL if the VM is still there 10 s later. */
  static final long FORCE_OFF_KILL_SECONDS = 10;

  private static final ScheduledExecutorService TIMERS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "berth-app-timers");
            t.setDaemon(true);
            return t;
          });

  private final String name;
  private final MachineConfig config;
  private final Lifecycle lifecycle = new Lifecycle();
  private final ObjectProperty<VmState> state = new SimpleObjectProperty<>(VmState.SHUT_OFF);
  private final StringProperty lastEnd = new SimpleStringProperty("Never started");
  private final StringProperty message = new SimpleStringProperty("");
  private final ObservableList<String> events = FXCollections.observableArrayList();
  private final ByteArrayOutputStream pendingConsole = new ByteArrayOutputStream();
  private Machine machine;

  public VmViewModel(String name, MachineConfig config) {
    this.name = name;
    this.config = config;
  }

  public String name() {
    return name;
  }

  public ReadOnlyObjectProperty<VmState> stateProperty() {
    return state;
  }

  public ReadOnlyStringProperty lastEndProperty() {
    return lastEnd;
  }

  /** A one-line message for the status bar: what the last action did, or why it could not. */
  public ReadOnlyStringProperty messageProperty() {
    return message;
  }

  public ObservableList<String> events() {
    return events;
  }

  /** Console bytes printed since the last call (called by the view, once per frame). */
  public String drainConsole() {
    synchronized (pendingConsole) {
      if (pendingConsole.size() == 0) {
        return "";
      }
      String s = pendingConsole.toString(StandardCharsets.UTF_8);
      pendingConsole.reset();
      return s;
    }
  }

  public void start() {
    if (state.get().isActive()) {
      message.set(name + " is already running");
      return;
    }
    Machine m;
    try {
      m = new Machine(config);
    } catch (ImageException e) {
      message.set("Cannot start " + name + ": " + e.getMessage());
      return;
    }
    m.setSerialSink(
        (b, off, len) -> {
          synchronized (pendingConsole) {
            pendingConsole.write(b, off, len);
          }
        });
    m.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            Platform.runLater(() -> eventArrived(e));
          }

          @Override
          public void onExit(MachineExit exit) {
            Platform.runLater(() -> exited(exit));
          }
        });
    machine = m;
    lifecycle.starting();
    sync();
    events.add(time() + "  (start)");
    m.start();
    lifecycle.started();
    sync();
    message.set(name + " started");
  }

  public void powerButton() {
    if (!requireRunning("press the power button")) {
      return;
    }
    boolean listens = machine.guestListensToButton();
    machine.powerButton();
    lifecycle.buttonPressed();
    sync();
    message.set(
        listens
            ? "Power button pressed: waiting for the guest"
            : "Power button pressed, but the guest has not enabled it: the press may be lost");
  }

  public void quit() {
    if (!requireActive("quit")) {
      return;
    }
    machine.quit();
    lifecycle.stopping();
    sync();
    message.set("Quitting the emulator (the guest gets no notice)");
  }

  public void forceOff() {
    if (!requireActive("force off")) {
      return;
    }
    Machine m = machine;
    m.terminate();
    lifecycle.stopping();
    sync();
    message.set("Forcing off: terminate now, kill in " + FORCE_OFF_KILL_SECONDS + " s if needed");
    TIMERS.schedule(
        () -> {
          if (!m.exit().isDone()) {
            m.kill();
          }
        },
        FORCE_OFF_KILL_SECONDS,
        TimeUnit.SECONDS);
  }

  public void reset() {
    if (requireActive("reset")) {
      machine.reset();
      message.set("Reset requested");
    }
  }

  public void togglePause() {
    if (!requireActive("pause")) {
      return;
    }
    if (machine.state() == RunState.PAUSED) {
      machine.resume();
    } else {
      machine.pause();
    }
  }

  /** Keys typed in the console go to the guest's serial port. */
  public void type(String text) {
    if (machine != null && state.get().isActive()) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      machine.sendSerial(b, 0, b.length);
    }
  }

  private boolean requireActive(String what) {
    if (machine == null || !state.get().isActive()) {
      message.set("Cannot " + what + ": " + name + " is not running");
      return false;
    }
    return true;
  }

  private boolean requireRunning(String what) {
    if (!requireActive(what)) {
      return false;
    }
    if (state.get() == VmState.PAUSED) {
      message.set("Cannot " + what + ": " + name + " is paused; resume it first");
      return false;
    }
    return true;
  }

  private void eventArrived(MachineEvent e) {
    lifecycle.onEvent(e);
    sync();
    events.add(time() + "  " + QmpJson.eventLine(e));
  }

  private void exited(MachineExit exit) {
    lifecycle.onExit(exit);
    sync();
    String words = Lifecycle.describe(exit);
    lastEnd.set(words);
    events.add(time() + "  (end) " + words);
    message.set(name + ": " + words);
  }

  private void sync() {
    state.set(lifecycle.state());
  }

  private static String time() {
    return java.time.LocalTime.now().withNano(0).toString();
  }
}
