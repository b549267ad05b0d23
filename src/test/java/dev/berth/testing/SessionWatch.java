package dev.berth.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.SessionListener;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a test sees of a {@link VmSession}, as the app would: the states it went through, its log
 * lines and messages, and its serial console; with waits on them that fail with what was seen.
 */
public final class SessionWatch {
  public final BlockingQueue<VmState> states = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> log = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  public final BlockingQueue<dev.berth.vm.VmSample> samples = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final VmSession session;

  /** Takes {@code session}'s console and listens to it. */
  public SessionWatch(VmSession session) {
    this.session = session;
    session.setConsoleSink(
        (b, off, len) -> {
          synchronized (console) {
            console.write(b, off, len);
            console.notifyAll();
          }
        });
    session.addListener(
        new SessionListener() {
          @Override
          public void stateChanged(VmState s) {
            states.add(s);
          }

          @Override
          public void logged(String line) {
            log.add(line);
          }

          @Override
          public void message(String line) {
            messages.add(line);
          }

          @Override
          public void sample(dev.berth.vm.VmSample s) {
            samples.add(s);
          }
        });
  }

  public String console() {
    synchronized (console) {
      return console.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until the console has shown {@code text}; fails with what it showed. */
  public void awaitConsole(String text, int seconds) throws InterruptedException {
    awaitConsoleAfter(0, text, seconds);
  }

  /** As {@link #awaitConsole}, in what the console showed after its first {@code from} chars. */
  public void awaitConsoleAfter(int from, String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    synchronized (console) {
      while (!console().substring(from).contains(text)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("the console never showed '" + text + "':\n" + console());
        }
        console.wait(left);
      }
    }
  }

  /**
   * Types {@code line} until the console shows {@code text} after it: input sent before the console
   * is open (just after a start) is lost, as on a real serial line.
   */
  public void typeUntil(String line, String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int seen = console().length();
    while (true) {
      session.type((line + "\n").getBytes(StandardCharsets.UTF_8));
      synchronized (console) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!console().substring(seen).contains(text) && System.nanoTime() < until) {
          console.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        }
        if (console().substring(seen).contains(text)) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the console never showed '" + text + "':\n" + console());
      }
    }
  }

  /** A sample that showed what was waited for, and the figures seen until then. */
  public record Seen(dev.berth.vm.VmSample sample, String figures) {}

  /** Waits for a sample whose {@code figure} passes {@code wanted}; fails with the figures seen. */
  public Seen awaitSample(
      java.util.function.ToDoubleFunction<dev.berth.vm.VmSample> figure,
      java.util.function.DoublePredicate wanted,
      int seconds,
      String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    StringBuilder seen = new StringBuilder();
    while (true) {
      dev.berth.vm.VmSample s =
          samples.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new AssertionError("no sample showed " + what + " in " + seconds + " s:" + seen);
      }
      double f = figure.applyAsDouble(s);
      seen.append(String.format(java.util.Locale.ROOT, " %.0f", f));
      if (wanted.test(f)) {
        return new Seen(s, seen.toString());
      }
    }
  }

  /** Waits for the session to pass through {@code wanted}; fails if it does not in time. */
  public void awaitState(VmState wanted, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    VmState s;
    do {
      s = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(s, "never " + wanted + " within " + seconds + " s; log: " + log);
    } while (s != wanted);
  }

  /** The session's last run in {@code history}, once it has ended and shows as shut off. */
  public Run lastRun(RunHistory history) throws Exception {
    session.exitFuture().get(60, TimeUnit.SECONDS);
    awaitState(VmState.SHUT_OFF, 60);
    List<Run> runs = history.runs(session.spec().historyKey());
    return runs.get(runs.size() - 1);
  }
}
