package dev.berth.vm;

import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import java.util.concurrent.CompletableFuture;

/**
 * A VM a backend has started (or reattached to): the power menu, the serial console and the events,
 * the same for the bundled core and for QEMU. No method blocks: the ones that talk to the VM return
 * a future that fails with one readable line when the VM could not do it.
 */
public interface RunningVm {
  /** Backend and emulator in words, e.g. "bundled core" or "QEMU 7.2.22, x86_64 pc, TCG". */
  String describe();

  /**
   * How the guest's code runs and why ("TCG: KVM ran no guest past real mode within 5 s"), for a
   * backend that chooses; empty otherwise.
   */
  default String accelerator() {
    return "";
  }

  /** Events in order and then the exit, on a backend thread; see {@link MachineListener}. */
  void addListener(MachineListener listener);

  /**
   * Starts delivering events and console output (and running, for a VM in this process); call once,
   * after the listeners and the console sink are in place, so nothing is missed.
   *
   * @throws java.io.IOException if its sockets cannot be opened (the VM runs anyway)
   */
  void begin() throws java.io.IOException;

  /**
   * Notes the history run this VM's run is, where a later Berth that reattaches will find it; a VM
   * that cannot outlive this process keeps nothing.
   */
  default void noteRun(int run) {}

  /** The run's graphical console, connected off the caller's thread; null if it has none. */
  CompletableFuture<dev.berth.display.GuestDisplay> openDisplay();

  /** What this VM's machine and backend can do: the power menu follows it. */
  java.util.Set<Capability> capabilities();

  /**
   * For a VM on another host: {@code link} hears when the host is lost and when it is back. A VM
   * that cannot be cut off from Berth (in this process, or QEMU on this machine) tells nothing.
   */
  default void watchLink(Link link) {}

  /** News of a VM's host, on a backend thread. */
  interface Link {
    /** The host cannot be reached: the VM may run on, unseen. */
    void lost(String why);

    /** The host is back and the run goes on, in {@code now} (a run that ended ends by exit()). */
    void regained(RunState now);
  }

  /** Receives serial console output on a backend thread. */
  void setConsoleSink(ConsoleSink sink);

  /** Bytes for the guest's serial console. */
  void type(byte[] bytes);

  /**
   * Bytes for the serial console as far as the guest has room: returns how many it took, so a
   * terminal pump can wait instead of dropping input.
   */
  default int offer(byte[] b, int off, int len) {
    type(java.util.Arrays.copyOfRange(b, off, off + len));
    return len;
  }

  /**
   * The sockets a user or script may reach this VM on, labelled ("QMP" → path, "serial" → …), in
   * the order to show them; empty if the backend opens none of its own.
   */
  default java.util.Map<String, String> endpoints() {
    return java.util.Map.of();
  }

  /** Where the CPU is, for a debugging line ("pc=… priv=S"); "" if the backend cannot tell. */
  default String cpuSummary() {
    return "";
  }

  /** The ACPI power button ({@code system_powerdown}); the guest decides. */
  CompletableFuture<Void> powerButton();

  /**
   * Shut down as libvirt does: the guest agent's {@code guest-shutdown} when an agent answers, else
   * the power button. The future tells which path was taken.
   */
  CompletableFuture<ShutdownPath> shutDown();

  /** Stop the emulator at once: {@code host-qmp-quit}. */
  CompletableFuture<Void> quit();

  /** SIGTERM or its analogue: {@code host-signal}. */
  CompletableFuture<Void> terminate();

  /** SIGINT (Ctrl+C on the emulator's terminal): {@code host-signal}. */
  CompletableFuture<Void> interrupt();

  /** SIGKILL or its analogue: no event, the run ends as killed. */
  CompletableFuture<Void> kill();

  /**
   * Force off as libvirt's destroy does it: terminate now, kill {@link ForceOff#KILL_AFTER_SECONDS}
   * later if the VM is still there. A backend whose own force off already escalates (libvirt)
   * overrides this.
   */
  default CompletableFuture<?> forceOff() {
    return ForceOff.escalate(this::terminate, this::kill, exit(), ForceOff.KILL_AFTER_SECONDS);
  }

  CompletableFuture<Void> reset();

  CompletableFuture<Void> pause();

  CompletableFuture<Void> resume();

  /** Wake a suspended guest ({@code system_wakeup}). */
  CompletableFuture<Void> wakeUp();

  /**
   * Writes the machine's whole state to disk and ends the run as {@link MachineExit.Kind#SAVED};
   * the backend's next start goes on from it.
   */
  default CompletableFuture<Void> saveState() {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(Capability.SAVE_STATE.missing()));
  }

  /**
   * Takes snapshot {@code tag} of the running machine (its state and its disks' contents); the
   * guest stops meanwhile and runs on.
   */
  default CompletableFuture<Snapshot> takeSnapshot(String tag, String description) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(Capability.SNAPSHOTS.missing()));
  }

  /** Goes back to snapshot {@code tag}: machine state and disks; the run goes on from there. */
  default CompletableFuture<Void> revertSnapshot(String tag) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(Capability.SNAPSHOTS.missing()));
  }

  /** Deletes snapshot {@code tag} of the running machine (its emulator may hold the files). */
  default CompletableFuture<Void> deleteSnapshot(String tag) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(Capability.SNAPSHOTS.missing()));
  }

  /** How far a save under way has come, 0 to 1, or -1 if this backend cannot tell. */
  default double saveProgress() {
    return -1;
  }

  /** Ctrl+Alt+Del on the guest's keyboard. */
  CompletableFuture<Void> sendCtrlAltDel();

  /** Presses {@code chord} on the guest's keyboard (keys down in order, up in reverse). */
  default CompletableFuture<Void> sendKeys(KeyChord chord) {
    return chord == KeyChord.CTRL_ALT_DEL
        ? sendCtrlAltDel()
        : CompletableFuture.failedFuture(
            new UnsupportedOperationException("this VM's keyboard takes Ctrl+Alt+Del only"));
  }

  /**
   * Asks the guest to restart; completes with which way it went, in words. Without an agent this is
   * Ctrl+Alt+Del.
   */
  default CompletableFuture<String> reboot() {
    return sendCtrlAltDel().thenApply(x -> "Reboot via Ctrl+Alt+Del");
  }

  RunState state();

  /** Completes when the run is over. */
  CompletableFuture<MachineExit> exit();

  /** True/false if the backend can tell whether the guest enabled the power button, else null. */
  Boolean guestListensToButton();

  /** A one-line statistics sample (uptime, speed, host CPU), or "" if the backend has none. */
  String sampleStats();

  /**
   * The host CPU time the emulator has spent on this VM so far, in nanoseconds, or -1 if the
   * backend cannot tell. With the console, it tells a busy guest that prints nothing (stuck) from
   * an idle one.
   */
  default long cpuNanos() {
    return -1;
  }

  /**
   * The host CPU time the emulator has spent on this VM, for the Overview's graph, or -1: {@link
   * #cpuNanos} where the stuck-guest check may use it, and also where it may not (QEMU).
   */
  default long emulatorCpuNanos() {
    return cpuNanos();
  }

  /** Host time the guest's CPU has spent idle (WFI) so far, in nanoseconds, or -1. */
  default long guestIdleNanos() {
    return -1;
  }

  /**
   * The bytes the guest has read from and written to its disks so far, or -1 if the backend cannot
   * tell. Never blocks: a backend that must ask its emulator returns what it last heard.
   */
  default long diskBytes() {
    return -1;
  }

  /** The host memory the emulator holds for this VM, in bytes, or -1 if it cannot tell. */
  default long memoryBytes() {
    return -1;
  }

  /**
   * True if another Berth process runs the VM and records its run history: this one shows the run
   * and reads the history once it ends, and never writes it.
   */
  default boolean recordsItsOwnRun() {
    return false;
  }

  /** True if the VM runs outside the Berth process (QEMU) and so outlives the app. */
  default boolean outlivesApp() {
    return capabilities().contains(Capability.OUTLIVES_APP);
  }

  /** Whether a guest agent answers now (it may block briefly: call it off the FX thread). */
  AgentStatus probeAgent();

  /** Receives console bytes on a backend thread. */
  interface ConsoleSink {
    void write(byte[] b, int off, int len);
  }
}
