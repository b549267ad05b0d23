package dev.berth.core;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.core.boot.ImageException;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A machine under test: records its console output and events and lets a test wait, with a timeout,
 * for text, events or the end of the run.
 */
public final class GuestRun implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  public final Machine machine;
  private volatile Duration timeout = TIMEOUT;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<MachineEvent> events = new ArrayList<>();

  public GuestRun(MachineConfig config) {
    this(newMachine(config));
  }

  private static Machine newMachine(MachineConfig config) {
    try {
      return new Machine(config);
    } catch (ImageException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** Watches a machine built elsewhere (not started yet). */
  public GuestRun(Machine machine) {
    this.machine = machine;
    machine.setSerialSink(
        (b, off, len) -> {
          synchronized (this) {
            console.write(b, off, len);
            notifyAll();
          }
        });
    machine.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            synchronized (GuestRun.this) {
              events.add(e);
              GuestRun.this.notifyAll();
            }
          }

          @Override
          public void onExit(MachineExit exit) {
            synchronized (GuestRun.this) {
              GuestRun.this.notifyAll();
            }
          }
        });
  }

  /**
   * Starts {@code program} on the interpreter alone ({@code translate} false) or with the
   * translating tier made eager: every block is translated the second time it is entered, so even
   * short programs run almost entirely as translated code.
   */
  public static GuestRun start(String program, boolean translate) {
    return start(program, translate, 0, false);
  }

  /**
   * As {@link #start(String, boolean)}, with a code cache of {@code units} units (0: default) and
   * translation in the background if {@code async}.
   */
  public static GuestRun start(String program, boolean translate, int units, boolean async) {
    Machine m;
    synchronized (GuestRun.class) {
      String old = System.getProperty("berth.jit.threshold");
      System.setProperty("berth.jit.threshold", "2");
      // translated at once unless async: then some time later, while the interpreter runs on
      System.setProperty("berth.jit.async", Boolean.toString(async));
      if (units > 0) {
        System.setProperty("berth.jit.units", Integer.toString(units));
      }
      try {
        m = new Machine(MachineConfig.of(program, Guests.image(program)), translate);
      } catch (ImageException e) {
        throw new AssertionError(e.getMessage(), e);
      } finally {
        System.clearProperty("berth.jit.async");
        System.clearProperty("berth.jit.units");
        if (old == null) {
          System.clearProperty("berth.jit.threshold");
        } else {
          System.setProperty("berth.jit.threshold", old);
        }
      }
    }
    GuestRun run = new GuestRun(m);
    m.start();
    return run;
  }

  public static GuestRun start(String program) {
    GuestRun run = new GuestRun(MachineConfig.of(program, Guests.image(program)));
    run.machine.start();
    return run;
  }

  /** Sets how long each wait may take (a full Linux boot takes longer than a bare program). */
  public GuestRun withTimeout(Duration t) {
    timeout = t;
    return this;
  }

  public synchronized String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  public synchronized List<MachineEvent> events() {
    return List.copyOf(events);
  }

  public synchronized List<String> eventNames() {
    return events.stream().map(MachineEvent::name).collect(Collectors.toList());
  }

  /** Waits until {@code condition} holds (checked at least every 50 ms). */
  public synchronized void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail(
            "timed out waiting for "
                + what
                + "; console so far:\n"
                + console()
                + "\nevents: "
                + events);
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 50_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  /** Waits until the console shows {@code text} at least {@code times} times. */
  public void awaitConsole(String text, int times) {
    await(() -> count(console(), text) >= times, "'" + text + "' x" + times);
  }

  /**
   * True once the console shows {@code text} {@code times} times, false if not within {@code d}.
   */
  public synchronized boolean consoleWithin(String text, int times, Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (count(console(), text) < times) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** How often the console shows {@code text} so far. */
  public int consoleCount(String text) {
    return count(console(), text);
  }

  public void awaitConsole(String text) {
    awaitConsole(text, 1);
  }

  public void awaitEvent(String name) {
    await(() -> eventNames().contains(name), "event " + name);
  }

  public MachineExit awaitExit() {
    try {
      return machine.exit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      machine.kill();
      throw new AssertionError(
          "machine did not stop; console:\n" + console() + "\nevents: " + events);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * True if the machine is still running after {@code d}: a wait on an event that must not come.
   */
  public boolean stillRunningAfter(Duration d) {
    try {
      machine.exit().get(d.toMillis(), TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException e) {
      return true;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  public void type(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int off = 0;
    while (off < b.length) {
      off += machine.sendSerial(b, off, b.length - off);
    }
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    if (!machine.exit().isDone()) {
      machine.kill();
      awaitExit();
    }
  }
}
