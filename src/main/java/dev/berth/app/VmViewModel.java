package dev.berth.app;

import dev.berth.display.GuestDisplay;
import dev.berth.event.MachineExit;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Capability;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.RunningVm;
import dev.berth.vm.SessionListener;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One VM as the desktop sees it: its {@link VmSession} as JavaFX properties, set on the FX thread.
 * The rules (what an action may do now, the wait after the power button, force off's escalation,
 * the run history) are the session's; this class only adapts them.
 */
public final class VmViewModel {
  /** Five minutes at one sample a second. */
  static final int MAX_SAMPLES = 300;

  private final VmSession session;
  private final ObjectProperty<VmState> state = new SimpleObjectProperty<>(VmState.SHUT_OFF);
  private final ObservableList<Run> runs = FXCollections.observableArrayList();
  private final StringProperty lastEnd = new SimpleStringProperty("");
  private final StringProperty message = new SimpleStringProperty("");
  private final IntegerProperty waitedSeconds = new SimpleIntegerProperty(-1);
  private final BooleanProperty waitTimedOut = new SimpleBooleanProperty(false);
  private final StringProperty stats = new SimpleStringProperty("");
  private final StringProperty stalled = new SimpleStringProperty("");
  private final ObjectProperty<GuestDisplay> framebuffer = new SimpleObjectProperty<>();
  private final ObservableList<String> events = FXCollections.observableArrayList();
  private final StringProperty agent = new SimpleStringProperty("");
  private final StringProperty emulator = new SimpleStringProperty("");
  private final StringProperty accelerator = new SimpleStringProperty("");
  private final ObjectProperty<Set<Capability>> capabilities = new SimpleObjectProperty<>(Set.of());
  private final StringProperty uptime = new SimpleStringProperty("");
  private final ObservableList<dev.berth.vm.VmSample> samples = FXCollections.observableArrayList();
  private Consumer<String> unexpectedStop = s -> {};
  private Consumer<String> rebooted = s -> {};

  public VmViewModel(VmSession session) {
    this.session = session;
    runs.setAll(session.runs());
    session.addListener(new ToFxThread());
  }

  /** The session's news, each on the FX thread in the order it came. */
  private final class ToFxThread implements SessionListener {
    @Override
    public void stateChanged(VmState s) {
      Platform.runLater(
          () -> {
            if (s == VmState.STARTING) {
              samples.clear(); // a new run's graphs start empty
            }
            state.set(s);
          });
    }

    @Override
    public void runsChanged(List<Run> all) {
      Platform.runLater(() -> runs.setAll(all));
    }

    @Override
    public void lastEnd(String words) {
      Platform.runLater(() -> lastEnd.set(words));
    }

    @Override
    public void message(String line) {
      Platform.runLater(() -> message.set(line));
    }

    @Override
    public void logged(String line) {
      Platform.runLater(() -> events.add(line));
    }

    @Override
    public void waiting(int seconds, boolean timedOut) {
      Platform.runLater(
          () -> {
            waitedSeconds.set(seconds);
            waitTimedOut.set(timedOut);
          });
    }

    @Override
    public void agent(String words) {
      Platform.runLater(() -> agent.set(words));
    }

    @Override
    public void stats(String line) {
      Platform.runLater(() -> stats.set(line));
    }

    @Override
    public void sample(dev.berth.vm.VmSample s) {
      Platform.runLater(
          () -> {
            samples.add(s);
            if (samples.size() > MAX_SAMPLES) {
              samples.remove(0, samples.size() - MAX_SAMPLES);
            }
          });
    }

    @Override
    public void display(GuestDisplay d) {
      Platform.runLater(() -> framebuffer.set(d));
    }

    @Override
    public void emulator(String words) {
      Platform.runLater(() -> emulator.set(words));
    }

    @Override
    public void accelerator(String words) {
      Platform.runLater(() -> accelerator.set(words));
    }

    @Override
    public void capabilities(Set<Capability> can) {
      Platform.runLater(() -> capabilities.set(can));
    }

    @Override
    public void stalled(String words) {
      Platform.runLater(() -> stalled.set(words));
    }

    @Override
    public void rebooted(String why) {
      Platform.runLater(() -> rebooted.accept(why));
    }

    @Override
    public void unexpectedStop(String words) {
      Platform.runLater(() -> unexpectedStop.accept(words));
    }
  }

  public static VmViewModel of(
      VmSpec spec, dev.berth.vm.Backends backends, RunHistory history, BerthDirs dirs) {
    return new VmViewModel(new VmSession(spec, backends, history, dirs));
  }

  public VmSession session() {
    return session;
  }

  public String name() {
    return session.name();
  }

  public VmSpec spec() {
    return session.spec();
  }

  /** A new spec takes effect at the next start. */
  public void setSpec(VmSpec spec) {
    session.setSpec(spec);
  }

  public int buttonTimeoutSeconds() {
    return session.spec().powerButtonTimeoutSeconds();
  }

  /** Past runs from the history, then the one under way; updated as it happens. */
  public ObservableList<Run> runs() {
    return runs;
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

  /** Seconds since the power button was pressed while the guest has not stopped; -1 if none. */
  public ReadOnlyIntegerProperty waitedSecondsProperty() {
    return waitedSeconds;
  }

  /** True once the guest has not stopped within its power-button timeout. */
  public ReadOnlyBooleanProperty waitTimedOutProperty() {
    return waitTimedOut;
  }

  /** Why the guest seems stuck (prints nothing, CPU busy), or "" while it makes progress. */
  public ReadOnlyStringProperty stalledProperty() {
    return stalled;
  }

  /** The display of the current (or last) run, if its machine has one. */
  public ReadOnlyObjectProperty<GuestDisplay> framebufferProperty() {
    return framebuffer;
  }

  /** Uptime, guest speed and host CPU use, refreshed every second while running. */
  public ReadOnlyStringProperty statsProperty() {
    return stats;
  }

  /** What runs this VM: the bundled core, or the QEMU found for it — or why QEMU cannot. */
  public ReadOnlyStringProperty emulatorProperty() {
    return emulator;
  }

  /** How the running guest's code runs, and why ("TCG: …"); empty for the bundled core. */
  public ReadOnlyStringProperty acceleratorProperty() {
    return accelerator;
  }

  /** Whether a guest agent answers; "" while off. */
  public ReadOnlyStringProperty agentProperty() {
    return agent;
  }

  /** What the VM can do now; the actions' enabled state follows it. */
  public ReadOnlyObjectProperty<Set<Capability>> capabilitiesProperty() {
    return capabilities;
  }

  /** "up 1:02:03" while the VM runs, "" otherwise; {@link #refreshUptime} keeps it current. */
  public ReadOnlyStringProperty uptimeProperty() {
    return uptime;
  }

  /** On the FX thread, once a second: the time since the run under way started. */
  void refreshUptime(long nowMillis) {
    Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (!isActive() || last == null || last.end() != null) {
      uptime.set("");
      return;
    }
    long s = Math.max(0, (nowMillis - last.startMicros() / 1000) / 1000);
    uptime.set(
        s >= 3600
            ? String.format("up %d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String.format("up %d:%02d", s / 60, s % 60));
  }

  /** The last five minutes of the running VM's figures, one a second, oldest first. */
  public ObservableList<dev.berth.vm.VmSample> samples() {
    return samples;
  }

  public ObservableList<String> events() {
    return events;
  }

  /** Called on the FX thread with the words, when a run ends that the user did not end. */
  public void setOnUnexpectedStop(Consumer<String> handler) {
    this.unexpectedStop = handler;
  }

  /** Called on the FX thread with the reason, when the guest boots again within a run. */
  public void setOnRebooted(Consumer<String> handler) {
    this.rebooted = handler;
  }

  /** Where console output goes (on a backend thread); earlier output is replayed to it. */
  public void setConsoleSink(RunningVm.ConsoleSink sink) {
    session.setConsoleSink(sink);
  }

  public boolean isActive() {
    return state.get().isActive();
  }

  /** Why {@code action} cannot be used now (from the state shown and the capabilities), or null. */
  public String disabledReason(VmAction action) {
    return action.disabledReason(state.get(), capabilities.get());
  }

  /** Does {@code action}; a refusal or failure shows in the status bar. */
  public CompletableFuture<?> perform(VmAction action) {
    return action.invoke(session);
  }

  public void start() {
    session.start();
  }

  /** Takes up a QEMU this VM left running under an earlier Berth, or records how it ended. */
  public void reattach() {
    session.reattach();
  }

  public void powerButton() {
    session.powerButton();
  }

  public void shutDown() {
    session.shutDown();
  }

  public void quit() {
    session.quit();
  }

  public void forceOff() {
    session.forceOff();
  }

  /** Restarts the wait after the power button, and with it the timeout. */
  public void keepWaiting() {
    session.keepWaiting();
  }

  public void sendCtrlAltDel() {
    session.ctrlAltDel();
  }

  /** The Ctrl+C path of a terminal-started app: host-signal for VMs living in this process. */
  void terminateForHostSignal() {
    session.terminateForHostSignal();
  }

  /** True if the VM runs and would stop with the app (the bundled core). */
  boolean diesWithApp() {
    return session.diesWithApp();
  }

  /** Completes when the current run, if any, is over. */
  CompletableFuture<MachineExit> exitFuture() {
    return session.exitFuture();
  }

  /** Keys typed in the console go to the guest's serial port. */
  public void type(byte[] bytes) {
    session.type(bytes);
  }

  public void type(String text) {
    type(text.getBytes(StandardCharsets.UTF_8));
  }
}
