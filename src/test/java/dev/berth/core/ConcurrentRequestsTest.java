package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Requests posted from many threads at once are all acted on, in one consistent order. */
class ConcurrentRequestsTest {
  @Test
  void manyThreadsPostingAtOnce() throws Exception {
    int threads = 8;
    int perThread = 200;
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        int id = t;
        pool.submit(
            () -> {
              go.await();
              for (int i = 0; i < perThread; i++) {
                switch ((id + i) % 3) {
                  case 0 -> run.machine.powerButton();
                  case 1 -> run.machine.pause();
                  default -> run.machine.resume();
                }
              }
              return null;
            });
      }
      go.countDown();
      pool.shutdown();
      assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
      run.machine.resume();
      run.machine.quit();
      MachineExit exit = run.awaitExit();
      assertEquals(ShutdownCause.HOST_QMP_QUIT, exit.cause());

      List<MachineEvent> events = run.events();
      long presses = events.stream().filter(e -> e.name().equals("POWERDOWN")).count();
      long expected = 0;
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          expected += (t + i) % 3 == 0 ? 1 : 0;
        }
      }
      assertEquals(expected, presses, "every button press is published once");
      // STOP and RESUME strictly alternate, starting with STOP.
      String lifecycle =
          events.stream()
              .map(MachineEvent::name)
              .filter(n -> n.equals("STOP") || n.equals("RESUME"))
              .map(n -> n.equals("STOP") ? "S" : "R")
              .reduce("", String::concat);
      assertTrue(lifecycle.matches("(SR)*S?"), lifecycle);
      assertEquals("SHUTDOWN", events.get(events.size() - 1).name());
      assertEquals(1, events.stream().filter(e -> e.name().equals("SHUTDOWN")).count());
      for (int i = 1; i < events.size(); i++) {
        assertTrue(events.get(i).timestampMicros() >= events.get(i - 1).timestampMicros());
      }
    }
  }

  @Test
  void severalMachinesRunSideBySide() {
    try (GuestRun a = GuestRun.start("pm_ignore");
        GuestRun b = GuestRun.start("pm_button");
        GuestRun c = GuestRun.start("isa")) {
      a.awaitConsole("alive 1");
      b.awaitConsole("waiting");
      b.machine.powerButton();
      assertEquals(ShutdownCause.GUEST_SHUTDOWN, b.awaitExit().cause());
      assertEquals(0, c.awaitExit().exitStatus());
      a.awaitConsole("alive 2");
      assertEquals(List.of(), a.eventNames(), "one machine's events never reach another");
      a.machine.terminate();
      assertEquals(ShutdownCause.HOST_SIGNAL, a.awaitExit().cause());
    }
  }
}
