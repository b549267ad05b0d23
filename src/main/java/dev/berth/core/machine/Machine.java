package dev.berth.core.machine;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.KernelImage;
import dev.berth.core.boot.Segment;
import dev.berth.core.bus.Bus;
import dev.berth.core.bus.Ram;
import dev.berth.core.cpu.Hart;
import dev.berth.core.dev.Clint;
import dev.berth.core.dev.GoldfishRtc;
import dev.berth.core.dev.HostInput;
import dev.berth.core.dev.Plic;
import dev.berth.core.dev.PowerControl;
import dev.berth.core.dev.PowerManagement;
import dev.berth.core.dev.SerialSink;
import dev.berth.core.dev.SifiveTest;
import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.core.dev.Uart16550;
import dev.berth.core.dev.VirtualClock;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateFile;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;
import dev.berth.core.virtio.HostPort;
import dev.berth.core.virtio.Keyboard;
import dev.berth.event.Listeners;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A Berth board with one hart, run by its own worker thread. Like QEMU's main loop, the thread runs
 * the guest in slices and, between slices, acts on requests that any thread (or a device, from
 * inside the guest) has posted: power button, shutdown, reset, pause, resume, suspend, wake-up.
 * Each is published as a QMP-shaped {@link MachineEvent}, in order, and the run ends with one
 * {@link MachineExit}. {@link #kill()} is the exception: it abandons the loop at once and publishes
 * nothing but the exit, as SIGKILL leaves QEMU no chance to speak.
 */
public final class Machine {
  private static final System.Logger LOG = System.getLogger(Machine.class.getName());

  /** Instructions per slice: short enough that requests and timers are seen within ~1 ms. */
  private static final long SLICE = 100_000;

  /** Longest sleep in WFI before looking at the world again. */
  private static final long MAX_IDLE_NANOS = 50_000_000;

  private enum Kind {
    POWER_BUTTON,
    SHUTDOWN,
    RESET,
    PAUSE,
    RESUME,
    SUSPEND,
    WAKEUP,
    FAILURE,
    SAVE,
    SNAPSHOT,
    REVERT
  }

  private record Request(Kind kind, ShutdownCause cause, int code, SaveOrder save) {
    Request(Kind kind, ShutdownCause cause, int code) {
      this(kind, cause, code, null);
    }
  }

  /**
   * Where to save (or what to load), as which Berth, what else to do while the guest is stopped
   * (the disks' copies, for a snapshot), and who waits for the file's size.
   */
  private record SaveOrder(
      Path file, String version, WhileStopped alongside, CompletableFuture<Long> done) {}

  /** Work done on the worker thread while the guest is stopped: no disk I/O happens meanwhile. */
  @FunctionalInterface
  public interface WhileStopped {
    void run() throws IOException;
  }

  private final MachineConfig config;
  private final Ram ram;
  private final Bus bus;
  private final VirtualClock clock = new VirtualClock();
  private final Hart hart;
  private final Plic plic;
  private final Clint clint;
  private final Uart16550 uart;
  private final PowerManagement pm;
  private final SimpleFramebuffer framebuffer;
  private final GoldfishRtc rtc;
  private final HostInput serialInput;
  private final VirtioSlots virtio;
  private final List<Segment> bootImages = new ArrayList<>();
  private final long entry;
  private final long fdtAddress;

  private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
  private final Listeners listeners = new Listeners();
  private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
  private volatile SerialSink serialSink = (b, off, len) -> {};
  private final List<SerialSink> serialTaps = new CopyOnWriteArrayList<>();
  private volatile boolean killed;
  private volatile RunState state = RunState.PRELAUNCH;
  private volatile long instructionsRetired;

  private volatile long idleNanos;
  private final Queue<CompletableFuture<String>> summaries = new ConcurrentLinkedQueue<>();
  private volatile boolean guestListensToButton;
  private Thread worker;

  /** How far a save under way has come (0 to 1), or -1 when none is. */
  private volatile double stateProgress = -1;

  /** Set by {@link #restore}: the run goes on from a saved state instead of booting. */
  private boolean restored;

  private boolean restoredSuspended;

  /**
   * Builds the board and loads the images; nothing runs until {@link #start()}.
   *
   * @throws ImageException if an image is unusable or does not fit in RAM
   */
  public Machine(MachineConfig config) throws ImageException {
    this(config, Hart.translationByDefault());
  }

  /**
   * As {@link #Machine(MachineConfig)}, with the translating tier on or off ({@code false}: the
   * interpreter alone).
   *
   * @throws ImageException if an image is unusable or does not fit in RAM
   */
  public Machine(MachineConfig config, boolean translate) throws ImageException {
    this.config = config;
    this.ram = new Ram(Board.RAM_BASE, (int) config.memoryBytes(), (int) SimpleFramebuffer.SIZE);
    this.framebuffer = new SimpleFramebuffer(ram.bytes, ram.size());
    ram.mapWindow(Board.FB_BASE, (int) SimpleFramebuffer.SIZE, framebuffer);
    this.bus = new Bus(ram);
    this.hart = new Hart(bus, clock, translate);
    this.plic = new Plic(hart);
    this.clint = new Clint(hart, clock);
    this.serialInput = new HostInput(1 << 16, this::wake);
    PowerControl power = new GuestPower();
    this.uart = new Uart16550(plic, Board.UART_IRQ, serialInput, this::serialOutput);
    this.pm = new PowerManagement(plic, Board.PM_IRQ, power);
    bus.map(Board.TEST_BASE, SifiveTest.SIZE, new SifiveTest(power));
    bus.map(Board.PM_BASE, PowerManagement.SIZE, pm);
    this.rtc = new GoldfishRtc(plic, Board.RTC_IRQ);
    bus.map(Board.RTC_BASE, GoldfishRtc.SIZE, rtc);
    bus.map(Board.CLINT_BASE, Clint.SIZE, clint);
    bus.map(Board.PLIC_BASE, Plic.SIZE, plic);
    bus.map(Board.UART_BASE, Uart16550.SIZE, uart);
    bus.map(Board.FB_BASE, SimpleFramebuffer.SIZE, framebuffer);

    long kernelBase = config.bios() == null ? Board.RAM_BASE : Board.KERNEL_BASE_WITH_FIRMWARE;
    KernelImage kernel = KernelImage.parse(config.kernel(), kernelBase);
    long start = kernel.entry();
    if (config.bios() != null) {
      KernelImage firmware =
          KernelImage.isElf(config.bios().bytes())
              ? KernelImage.parse(config.bios(), Board.RAM_BASE)
              : KernelImage.raw(config.bios(), Board.RAM_BASE);
      place(firmware);
      start = firmware.entry();
    }
    place(kernel);
    long initrdStart = 0;
    long initrdEnd = 0;
    if (config.initrd() != null) {
      initrdStart = Board.initrdAddress(kernel.entry(), config.memoryBytes());
      initrdEnd = initrdStart + config.initrd().bytes().length;
      place(config.initrd().name(), new Segment(initrdStart, config.initrd().bytes(), 0));
    }
    byte[] fdt = Board.deviceTree(config, initrdStart, initrdEnd);
    this.fdtAddress = Board.fdtAddress(config.memoryBytes(), fdt.length);
    place("device tree", new Segment(fdtAddress, fdt, 0));
    this.entry = start;
    loadImages();
    hart.reset(entry, fdtAddress);
    this.virtio = new VirtioSlots(config, bus, plic, this::wake); // last: it opens files
  }

  private void place(KernelImage image) throws ImageException {
    for (Segment s : image.segments()) {
      place(image.name(), s);
    }
  }

  private void place(String name, Segment s) throws ImageException {
    if (!ram.contains(s.address(), s.end() - s.address())) {
      throw new ImageException(
          String.format(
              "%s: segment at 0x%x..0x%x lies outside RAM (0x%x..0x%x)",
              name, s.address(), s.end(), ram.base, ram.base + ram.size()));
    }
    bootImages.add(s);
  }

  /** Copies every boot image into RAM, as QEMU restores its ROM blobs at each reset. */
  private void loadImages() {
    for (Segment s : bootImages) {
      int off = (int) (s.address() - ram.base);
      System.arraycopy(s.data(), 0, ram.bytes, off, s.data().length);
      java.util.Arrays.fill(
          ram.bytes, off + s.data().length, (int) (off + s.data().length + s.zeros()), (byte) 0);
    }
  }

  // ---- the public face: any thread ----------------------------------------------------------

  public MachineConfig config() {
    return config;
  }

  /** The board's framebuffer, for a display to render (see {@link SimpleFramebuffer}). */
  public SimpleFramebuffer framebuffer() {
    return framebuffer;
  }

  /**
   * The host end of the guest-agent channel (the virtio-serial port {@code
   * org.qemu.guest_agent.0}), or null if the machine has none.
   */
  public HostPort agentPort() {
    return virtio.agentPort();
  }

  /** The virtio keyboard (any thread may type on it), or null if the machine has none. */
  public Keyboard keyboard() {
    return virtio.keyboard();
  }

  public long fdtAddress() {
    return fdtAddress;
  }

  public RunState state() {
    return state;
  }

  /**
   * What the translating tier did (units, class-file bytes, discards, flushes), read on the worker
   * thread's behalf after the run; "" when it is off.
   */
  public String translationStatistics() {
    return hart.translationStatistics();
  }

  /** Guest instructions retired so far, updated after every slice. */
  public long instructionsRetired() {
    return instructionsRetired;
  }

  /**
   * Where the hart is, e.g. "pc=0x80200000 priv=S, last M trap: …": read by the worker thread
   * between slices (hart state belongs to it), or directly once the run is over.
   */
  public CompletableFuture<String> cpuSummary() {
    CompletableFuture<String> f = new CompletableFuture<>();
    summaries.add(f);
    wake();
    if (exit.isDone() || worker == null) {
      answerSummaries(); // no worker to ask: its last writes are visible after exit completed
    }
    return f;
  }

  private void answerSummaries() {
    CompletableFuture<String> f;
    while ((f = summaries.poll()) != null) {
      f.complete(
          String.format(
              "pc=0x%x priv=%s%s, last M trap: %s",
              hart.pc(),
              dev.berth.core.cpu.Priv.name(hart.privilege()),
              hart.isWaiting() ? " (in WFI)" : "",
              hart.lastMachineTrap()));
    }
  }

  /** Whether the guest has enabled the power button (PWRBTN_EN), as of the last slice. */
  public boolean guestListensToButton() {
    return guestListensToButton;
  }

  /** Host time the worker has slept with the hart in WFI (what an idle guest's time went to). */
  public long idleNanos() {
    return idleNanos;
  }

  /**
   * The bytes the guest has read from and written to its virtio disks since the machine was made,
   * or -1 if it has none. Any thread; never blocks.
   */
  public long diskBytes() {
    return virtio.diskBytes();
  }

  /** Host CPU time the worker thread has used, or -1 if the JVM cannot tell. */
  public long hostCpuNanos() {
    Thread t = worker;
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (t == null || !mx.isThreadCpuTimeSupported()) {
      return -1;
    }
    return mx.getThreadCpuTime(t.getId());
  }

  public void addListener(MachineListener listener) {
    listeners.add(listener);
  }

  public void removeListener(MachineListener listener) {
    listeners.remove(listener);
  }

  /** Where the serial console's output goes (called on the worker thread). */
  public void setSerialSink(SerialSink sink) {
    this.serialSink = sink;
  }

  /**
   * Adds a second reader of the serial console (a console socket's clients): it gets every byte the
   * main sink gets, on the worker thread, and must not block.
   */
  public void addSerialTap(SerialSink tap) {
    serialTaps.add(tap);
  }

  public void removeSerialTap(SerialSink tap) {
    serialTaps.remove(tap);
  }

  private void serialOutput(byte[] b, int off, int len) {
    serialSink.write(b, off, len);
    for (SerialSink tap : serialTaps) {
      tap.write(b, off, len);
    }
  }

  /** Queues bytes for the serial console; returns how many fit (the rest can be retried). */
  public int sendSerial(byte[] data, int off, int len) {
    return serialInput.offer(data, off, len);
  }

  public int sendSerial(byte[] data) {
    return sendSerial(data, 0, data.length);
  }

  /** Completes when the run is over. */
  public CompletableFuture<MachineExit> exit() {
    return exit;
  }

  public synchronized void start() {
    if (worker != null) {
      throw new IllegalStateException("machine already started");
    }
    state = restoredSuspended ? RunState.SUSPENDED : RunState.RUNNING;
    clock.start();
    worker = new Thread(this::mainLoop, "berth-core-" + config.name());
    worker.setDaemon(true);
    worker.start();
  }

  /** Presses the emulated power button (QMP {@code system_powerdown}). */
  public void powerButton() {
    post(new Request(Kind.POWER_BUTTON, null, 0));
  }

  /** QMP {@code quit}: the emulator stops at once; a power cut for the guest. */
  public void quit() {
    shutdown(ShutdownCause.HOST_QMP_QUIT);
  }

  /** The SIGTERM/SIGINT analogue: a shutdown with cause host-signal. */
  public void terminate() {
    shutdown(ShutdownCause.HOST_SIGNAL);
  }

  public void shutdown(ShutdownCause cause) {
    post(new Request(Kind.SHUTDOWN, cause, 0));
  }

  /** QMP {@code system_reset}. */
  public void reset() {
    post(new Request(Kind.RESET, ShutdownCause.HOST_QMP_SYSTEM_RESET, 0));
  }

  public void pause() {
    post(new Request(Kind.PAUSE, null, 0));
  }

  public void resume() {
    post(new Request(Kind.RESUME, null, 0));
  }

  /** QMP {@code system_wakeup}: ends a suspend. */
  public void wakeup() {
    post(new Request(Kind.WAKEUP, null, 0));
  }

  /**
   * Saves the machine's whole state to {@code file} and ends the run as saved (QEMU's {@code stop}
   * and {@code migrate} to a file, then {@code quit}). The guest stops (a STOP event) while the
   * file is written; if writing fails the guest runs on (RESUME) and the future fails with the
   * reason. Completes with the file's size once it is on disk.
   */
  public CompletableFuture<Long> saveState(Path file, String version) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    return order(Kind.SAVE, new SaveOrder(file, version, null, done));
  }

  private CompletableFuture<Long> order(Kind kind, SaveOrder order) {
    post(new Request(kind, null, 0, order));
    if (exit.isDone()) {
      order.done().completeExceptionally(new IOException("the machine is not running"));
    }
    return order.done();
  }

  /**
   * A snapshot's machine part, as QEMU's {@code snapshot-save} makes it: the guest stops (STOP),
   * its state goes to {@code file}, {@code alongside} runs (the disks are copied: nothing writes
   * them meanwhile), and the guest runs on (RESUME). Completes with the file's size.
   */
  public CompletableFuture<Long> snapshot(Path file, String version, WhileStopped alongside) {
    return order(Kind.SNAPSHOT, new SaveOrder(file, version, alongside, new CompletableFuture<>()));
  }

  /**
   * Goes back to a snapshot, as QEMU 7.2's {@code snapshot-load}: STOP, the state in {@code file}
   * replaces the machine's, {@code alongside} runs (the disks are copied back), then RESUME (QEMU
   * resets the board with cause snapshot-load but sends no RESET for that cause). A file that is
   * damaged or not this machine's is refused before anything changes, and the guest runs on; a
   * failure after that ends the run.
   */
  public CompletableFuture<Long> revert(Path file, String version, WhileStopped alongside) {
    return order(Kind.REVERT, new SaveOrder(file, version, alongside, new CompletableFuture<>()));
  }

  /**
   * Before {@link #start}: takes the state saved in {@code file} by Berth {@code version}, so the
   * run goes on where the guest was. On failure nothing of the file is used, and the machine must
   * be {@link #discard discarded}.
   *
   * @throws StateException with one line if the file is damaged, from another Berth, or for another
   *     machine
   */
  public synchronized void restore(Path file, String version) throws StateException {
    if (worker != null) {
      throw new IllegalStateException("a running machine cannot be restored");
    }
    StateFile.read(file, version, fingerprint(), new Parts());
    restored = true;
    instructionsRetired = hart.instructionsRetired();
  }

  /** How far the save under way has come, 0 to 1; -1 if none is under way. */
  public double stateProgress() {
    return stateProgress;
  }

  /** True if this run goes on from a saved state. */
  public boolean isRestored() {
    return restored;
  }

  /** A machine that will never start: its disks and files are let go. */
  public synchronized void discard() {
    if (worker == null) {
      virtio.close();
    }
  }

  /**
   * What a saved state must have been made for, so one made for another board (other RAM, other
   * disks or devices) is refused: "memory=128MiB virtio=blk:65536s,console,input".
   */
  public String fingerprint() {
    return "memory=" + (config.memoryBytes() >> 20) + "MiB virtio=" + virtio.describe(config);
  }

  /** Every part of the board, in one order; caches are rebuilt, host-side queues start empty. */
  private final class Parts implements Saveable {
    @Override
    public void save(StateOut out) {
      out.begin("machine").bool(state == RunState.SUSPENDED);
      clock.save(out);
      hart.save(out);
      out.begin("ram").memory(ram.bytes);
      clint.save(out);
      plic.save(out);
      uart.save(out);
      pm.save(out);
      rtc.save(out);
      framebuffer.save(out);
      virtio.save(out);
    }

    @Override
    public void restore(StateIn in) throws StateException {
      restoredSuspended = in.begin("machine").bool();
      clock.stop(); // it runs again when the machine starts
      clock.restore(in);
      hart.restore(in);
      in.begin("ram").memory(ram.bytes);
      clint.restore(in);
      plic.restore(in);
      uart.restore(in);
      pm.restore(in);
      rtc.restore(in);
      framebuffer.restore(in);
      virtio.restore(in);
    }
  }

  /** The SIGKILL analogue: the loop is abandoned at once and no SHUTDOWN is published. */
  public void kill() {
    killed = true;
    wake();
  }

  private void post(Request r) {
    requests.add(r);
    wake();
  }

  private void wake() {
    Thread t = worker;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Requests from inside the guest; they arrive on the worker thread mid-slice. */
  private final class GuestPower implements PowerControl {
    @Override
    public void guestPowerOff() {
      fromGuest(new Request(Kind.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN, 0));
    }

    @Override
    public void guestReset() {
      fromGuest(new Request(Kind.RESET, ShutdownCause.GUEST_RESET, 0));
    }

    @Override
    public void guestSuspend() {
      fromGuest(new Request(Kind.SUSPEND, null, 0));
    }

    @Override
    public void guestFailure(int code) {
      fromGuest(new Request(Kind.FAILURE, null, code));
    }

    private void fromGuest(Request r) {
      requests.add(r);
      hart.endSlice();
    }
  }

  // ---- the worker thread -------------------------------------------------------------------

  private void mainLoop() {
    MachineExit result;
    try {
      result = loop();
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "machine " + config.name() + " failed", e);
      state = RunState.INTERNAL_ERROR;
      result = MachineExit.crashed(e.toString());
    }
    if (result.kind() != MachineExit.Kind.KILLED) {
      uart.flushOutput();
    }
    virtio.close();
    if (state != RunState.INTERNAL_ERROR) {
      state = RunState.SHUTDOWN;
    }
    listeners.exit(result);
    exit.complete(result);
    answerSummaries();
  }

  private MachineExit loop() {
    while (true) {
      if (killed) {
        return MachineExit.killed();
      }
      MachineExit end = handleRequests();
      if (end != null) {
        return end;
      }
      if (state != RunState.RUNNING) {
        LockSupport.parkNanos(this, MAX_IDLE_NANOS);
        continue;
      }
      clint.tick();
      rtc.tick();
      uart.pumpInput();
      virtio.pump();
      if (hart.isWaiting() && !hart.hasWakeUp()) {
        uart.flushOutput();
        idle();
        continue;
      }
      hart.run(SLICE);
      framebuffer.publish(); // the rows the CPU wrote through its TLB in the slice
      instructionsRetired = hart.instructionsRetired();
      guestListensToButton = pm.buttonEnabled();
      uart.flushOutput();
    }
  }

  /** Sleeps until the timer is due or another thread wakes us: WFI costs no host CPU. */
  private void idle() {
    long nanos = Math.min(clint.nanosUntilTimer(), MAX_IDLE_NANOS);
    if (nanos > 0 && requests.isEmpty() && serialInput.isEmpty() && !killed) {
      long t0 = System.nanoTime();
      LockSupport.parkNanos(this, nanos);
      idleNanos += System.nanoTime() - t0;
    }
  }

  private MachineExit handleRequests() {
    answerSummaries();
    Request r;
    while ((r = requests.poll()) != null) {
      if (killed) {
        return null;
      }
      switch (r.kind()) {
        case POWER_BUTTON -> {
          publish(MachineEvent.now(MachineEvent.POWERDOWN));
          boolean seen = pm.pressButton();
          if (seen && state == RunState.SUSPENDED) {
            wakeUp();
          }
        }
        case SHUTDOWN -> {
          publish(MachineEvent.withCause(MachineEvent.SHUTDOWN, r.cause()));
          return MachineExit.shutdown(r.cause());
        }
        case FAILURE -> {
          return MachineExit.failure(r.code());
        }
        case RESET -> {
          publish(MachineEvent.withCause(MachineEvent.RESET, r.cause()));
          resetBoard();
        }
        case PAUSE -> {
          if (state == RunState.RUNNING) {
            clock.stop();
            state = RunState.PAUSED;
            publish(MachineEvent.now(MachineEvent.STOP));
          }
        }
        case RESUME -> {
          if (state == RunState.PAUSED) {
            clock.start();
            state = RunState.RUNNING;
            publish(MachineEvent.now(MachineEvent.RESUME));
          }
        }
        case SUSPEND -> {
          if (state == RunState.RUNNING) {
            state = RunState.SUSPENDED;
            publish(MachineEvent.now(MachineEvent.SUSPEND));
          }
        }
        case WAKEUP -> {
          if (state == RunState.SUSPENDED) {
            wakeUp();
          }
        }
        case SAVE -> {
          MachineExit saved = save(r.save());
          if (saved != null) {
            return saved;
          }
        }
        case SNAPSHOT -> snapshot(r.save());
        case REVERT -> {
          MachineExit failed = revert(r.save());
          if (failed != null) {
            return failed;
          }
        }
      }
    }
    return null;
  }

  /** Stops the guest's clock, and the guest with a STOP if it ran; true if it ran. */
  private boolean stopForState() {
    boolean wasRunning = state == RunState.RUNNING;
    clock.stop();
    if (wasRunning) {
      state = RunState.PAUSED;
      publish(MachineEvent.now(MachineEvent.STOP));
    }
    return wasRunning;
  }

  /** Undoes {@link #stopForState}: a paused guest's clock stays stopped. */
  private void goOn(boolean wasRunning) {
    if (state != RunState.PAUSED || wasRunning) {
      clock.start();
    }
    if (wasRunning) {
      state = RunState.RUNNING;
      publish(MachineEvent.now(MachineEvent.RESUME));
    }
  }

  /** The order completes once the guest runs again, so its RESUME comes before the answer. */
  private void snapshot(SaveOrder order) {
    boolean wasRunning = stopForState();
    long size = -1;
    Exception failure = null;
    try {
      size =
          StateFile.write(order.file(), order.version(), fingerprint(), new Parts(), () -> killed);
      order.alongside().run();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a snapshot of " + config.name() + " failed", e);
      failure = e;
    }
    goOn(wasRunning);
    if (failure != null) {
      order.done().completeExceptionally(failure);
    } else {
      order.done().complete(size);
    }
  }

  /** Null if the guest runs on (from the snapshot, or as it was if the file was refused). */
  private MachineExit revert(SaveOrder order) {
    boolean wasRunning = stopForState();
    try {
      StateFile.verify(order.file(), order.version(), fingerprint());
    } catch (StateException e) {
      order.done().completeExceptionally(e);
      goOn(wasRunning);
      return null;
    }
    try {
      StateFile.load(order.file(), order.version(), fingerprint(), new Parts());
      order.alongside().run();
    } catch (IOException | RuntimeException e) {
      order.done().completeExceptionally(e);
      return MachineExit.crashed("going back to a snapshot failed midway: " + e.getMessage());
    }
    instructionsRetired = hart.instructionsRetired();
    if (restoredSuspended) {
      state = RunState.SUSPENDED;
      clock.start();
    } else {
      state = RunState.PAUSED; // as QEMU's loadvm: a guest that ran runs on, a paused one stays
      goOn(wasRunning);
    }
    order.done().complete(0L);
    return null;
  }

  /** The run's end if the state is on disk; null if the guest runs on (or the machine died). */
  private MachineExit save(SaveOrder order) {
    boolean wasRunning = stopForState();
    try {
      long size =
          StateFile.write(
              order.file(),
              order.version(),
              fingerprint(),
              new Parts(),
              () -> killed,
              done -> stateProgress = done);
      order.done().complete(size);
      return MachineExit.saved(
          "its state is in "
              + order.file().getFileName()
              + " ("
              + (size >> 20)
              + " MiB): Start restores it");
    } catch (IOException | RuntimeException e) {
      order.done().completeExceptionally(e);
      if (killed) {
        return null;
      }
      LOG.log(System.Logger.Level.WARNING, "saving " + config.name() + " failed", e);
      stateProgress = -1;
      goOn(wasRunning);
      return null;
    }
  }

  private void wakeUp() {
    state = RunState.RUNNING;
    publish(MachineEvent.now(MachineEvent.WAKEUP));
  }

  private void resetBoard() {
    clock.reset(); // mtime starts again from 0, as on QEMU
    bus.resetDevices();
    loadImages();
    hart.reset(entry, fdtAddress);
    if (state == RunState.SUSPENDED) {
      state = RunState.RUNNING;
    }
  }

  private void publish(MachineEvent e) {
    uart.flushOutput(); // what the guest printed before the event reaches the console first
    listeners.event(e);
  }
}
