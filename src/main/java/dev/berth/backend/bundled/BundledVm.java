package dev.berth.backend.bundled;

import dev.berth.backend.agent.GuestAgent;
import dev.berth.core.boot.ImageException;
import dev.berth.core.machine.Machine;
import dev.berth.core.state.StateException;
import dev.berth.core.virtio.Keyboard;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.vm.AgentStatus;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.KeyChord;
import dev.berth.vm.RunningVm;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A VM on the bundled core: the {@link Machine} on its worker thread, its QMP and serial sockets,
 * and the agent channel when the guest has one. Requests to the machine never block; only the
 * agent's shutdown talks over a socket, on a thread of its own.
 */
public final class BundledVm implements RunningVm {
  private static final ExecutorService AGENT =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "berth-agent");
            t.setDaemon(true);
            return t;
          });

  private final Machine machine;
  private final GuestAgent agent;

  /** This VM's own listeners (a session), apart from the machine's other ones (QMP clients). */
  private final dev.berth.event.Listeners sessionListeners = new dev.berth.event.Listeners();

  private final BerthDirs dirs;
  private final long startedNanos = System.nanoTime();
  private long lastCpuNanos;
  private long lastInstructions;
  private long lastSampleNanos = startedNanos;

  private BundledVm(Machine machine, GuestAgent agent, BerthDirs dirs) {
    this.machine = machine;
    this.agent = agent;
    this.dirs = dirs;
  }

  /**
   * Builds the machine for {@code spec}; {@link #start} runs it.
   *
   * @throws ImageException with one readable line if an image is missing or unreadable
   */
  public static BundledVm create(VmSpec spec, BerthDirs dirs) throws ImageException, IOException {
    Machine machine = new Machine(BundledMachines.config(spec, dirs));
    dev.berth.vm.SavedState saved = BundledBackend.savedState(dirs, spec.name());
    if (saved.exists()) {
      try {
        machine.restore(saved.file(), dev.berth.qmp.Version.current());
      } catch (StateException e) {
        machine.discard();
        throw saved.refused(spec.name(), e.getMessage(), e);
      }
      // taken up: from here the run is the saved one's continuation, and only a new save makes
      // another
      java.nio.file.Files.delete(saved.file());
    }
    return new BundledVm(machine, new GuestAgent(VmSockets.qga(dirs, spec.name())), dirs);
  }

  /**
   * A machine built elsewhere ({@code berth run}'s kernel file) as a VM with no sockets of its own
   * and no agent channel.
   */
  public static BundledVm of(Machine machine) {
    return new BundledVm(machine, new GuestAgent(null), null);
  }

  /**
   * Starts the machine and opens its sockets (QMP, serial, agent), unless it has no directory.
   *
   * @throws IOException if the sockets cannot be opened (the machine runs anyway)
   */
  @Override
  public void begin() throws IOException {
    machine.start();
    if (dirs != null) {
      VmEndpoints.open(machine, dirs, machine.config().name(), sessionListeners::event);
    }
  }

  /** Serial input with the UART's flow control: how many of the bytes the guest took. */
  @Override
  public int offer(byte[] b, int off, int len) {
    return machine.sendSerial(b, off, len);
  }

  @Override
  public String cpuSummary() {
    try {
      return machine.cpuSummary().get(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return "cpu: no answer from the worker";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "cpu: interrupted";
    }
  }

  @Override
  public CompletableFuture<dev.berth.display.GuestDisplay> openDisplay() {
    return CompletableFuture.completedFuture(display());
  }

  /** The Berth board: the PM block's button and S3 always; the agent and keyboard on virtio. */
  @Override
  public java.util.Set<dev.berth.vm.Capability> capabilities() {
    java.util.Set<dev.berth.vm.Capability> can = BundledBackend.BOARD.clone();
    if (machine.agentPort() != null) {
      can.add(dev.berth.vm.Capability.GUEST_AGENT);
    }
    if (machine.keyboard() != null) {
      can.add(dev.berth.vm.Capability.KEYBOARD);
    }
    return can;
  }

  /** The core's whole state into the VM's saved-state file; the run ends as saved. */
  @Override
  public CompletableFuture<Void> saveState() {
    if (dirs == null) {
      return CompletableFuture.failedFuture(
          new IOException("a machine run from a kernel file has no place to save its state"));
    }
    return BundledBackend.save(machine, dirs).thenApply(size -> null);
  }

  @Override
  public CompletableFuture<dev.berth.vm.Snapshot> takeSnapshot(String tag, String description) {
    return dirs == null
        ? CompletableFuture.failedFuture(
            new IOException("a machine run from a kernel file has no place for snapshots"))
        : new BundledSnapshots(dirs, machine.config().name()).take(machine, tag, description);
  }

  @Override
  public CompletableFuture<Void> revertSnapshot(String tag) {
    return dirs == null
        ? CompletableFuture.failedFuture(
            new IOException("a machine run from a kernel file has no snapshots"))
        : new BundledSnapshots(dirs, machine.config().name()).revert(machine, tag);
  }

  @Override
  public double saveProgress() {
    return machine.stateProgress();
  }

  /** Files only: the machine never reads a snapshot it is not going back to. */
  @Override
  public CompletableFuture<Void> deleteSnapshot(String tag) {
    if (dirs == null) {
      return CompletableFuture.failedFuture(
          new IOException("a machine run from a kernel file has no snapshots"));
    }
    return CompletableFuture.runAsync(
        () -> {
          try {
            new BundledSnapshots(dirs, machine.config().name()).delete(tag);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        AGENT);
  }

  @Override
  public CompletableFuture<Void> wakeUp() {
    machine.wakeup();
    return done();
  }

  public Machine machine() {
    return machine;
  }

  /** The board's screen, with the virtio keyboard (when the machine has one) for its keys. */
  public BundledDisplay display() {
    Keyboard keyboard = machine.keyboard();
    return new BundledDisplay(machine.framebuffer(), keyboard == null ? null : keyboard::key);
  }

  @Override
  public String describe() {
    return "bundled core (RV64IMAFDC, " + (machine.config().memoryBytes() >> 20) + " MiB)";
  }

  @Override
  public void addListener(MachineListener listener) {
    machine.addListener(listener);
    sessionListeners.add(listener);
  }

  @Override
  public void setConsoleSink(ConsoleSink sink) {
    machine.setSerialSink(sink::write);
  }

  @Override
  public void type(byte[] bytes) {
    machine.sendSerial(bytes, 0, bytes.length);
  }

  @Override
  public CompletableFuture<Void> powerButton() {
    machine.powerButton();
    return done();
  }

  @Override
  public CompletableFuture<ShutdownPath> shutDown() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return agent.shutDown(machine::powerButton);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        AGENT);
  }

  @Override
  public CompletableFuture<Void> quit() {
    machine.quit();
    return done();
  }

  @Override
  public CompletableFuture<Void> terminate() {
    machine.terminate();
    return done();
  }

  @Override
  public CompletableFuture<Void> interrupt() {
    machine.terminate();
    return done();
  }

  @Override
  public CompletableFuture<Void> kill() {
    machine.kill();
    return done();
  }

  @Override
  public CompletableFuture<Void> reset() {
    machine.reset();
    return done();
  }

  @Override
  public CompletableFuture<Void> pause() {
    machine.pause();
    return done();
  }

  @Override
  public CompletableFuture<Void> resume() {
    machine.resume();
    return done();
  }

  @Override
  public CompletableFuture<Void> sendCtrlAltDel() {
    return sendKeys(KeyChord.CTRL_ALT_DEL);
  }

  @Override
  public CompletableFuture<Void> sendKeys(KeyChord chord) {
    Keyboard keyboard = machine.keyboard();
    if (keyboard == null) {
      return CompletableFuture.failedFuture(
          new UnsupportedOperationException("this machine has no keyboard for " + chord.label()));
    }
    int[] codes = chord.linuxCodes();
    for (int code : codes) {
      keyboard.key(code, true);
    }
    for (int k = codes.length - 1; k >= 0; k--) {
      keyboard.key(codes[k], false);
    }
    return done();
  }

  @Override
  public CompletableFuture<String> reboot() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return agent.reboot(
                () -> {
                  try {
                    sendCtrlAltDel().join();
                  } catch (java.util.concurrent.CompletionException e) {
                    throw new IOException(e.getCause().getMessage(), e.getCause());
                  }
                });
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        AGENT);
  }

  @Override
  public RunState state() {
    return machine.state();
  }

  @Override
  public CompletableFuture<MachineExit> exit() {
    return machine.exit();
  }

  @Override
  public Boolean guestListensToButton() {
    return machine.guestListensToButton();
  }

  @Override
  public synchronized String sampleStats() {
    long now = System.nanoTime();
    long cpu = machine.hostCpuNanos();
    long insns = machine.instructionsRetired();
    double dt = Math.max(1, now - lastSampleNanos);
    double cpuShare = cpu < 0 ? Double.NaN : (cpu - lastCpuNanos) / dt * 100;
    double mips = (insns - lastInstructions) / dt * 1000;
    lastSampleNanos = now;
    lastCpuNanos = cpu;
    lastInstructions = insns;
    long up = (now - startedNanos) / 1_000_000_000L;
    return String.format(
        "up %d:%02d:%02d · %.1f MIPS · core thread %.1f %% of a host CPU · power button %s",
        up / 3600,
        up / 60 % 60,
        up % 60,
        mips,
        cpuShare,
        machine.guestListensToButton() ? "enabled by the guest" : "not enabled by the guest");
  }

  @Override
  public long cpuNanos() {
    return machine.hostCpuNanos();
  }

  @Override
  public long guestIdleNanos() {
    return machine.idleNanos();
  }

  /** What the guest's virtio-blk disks have read and written, counted by the core. */
  @Override
  public long diskBytes() {
    return machine.diskBytes();
  }

  @Override
  public AgentStatus probeAgent() {
    return agent.probe();
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
