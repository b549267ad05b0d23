package dev.berth.cli;

import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.ShutdownCause;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code berth self-test}: proves an installation works, with no display: boots the bundled default
 * guest on the bundled core, waits for it to be ready, presses the power button, and passes only if
 * the run ends with {@code SHUTDOWN {guest:true, reason:"guest-shutdown"}}.
 */
@Command(
    name = "self-test",
    description = {
      "Boot the bundled default guest on the bundled core (no display needed), press its power"
          + " button, and exit 0 only if it powers off with SHUTDOWN guest-shutdown. Prints each"
          + " step with its time."
    },
    mixinStandardHelpOptions = true)
public final class SelfTestCommand implements java.util.concurrent.Callable<Integer> {
  static final String GUEST = "/guests/bare/demo.elf";
  private static final long STEP_TIMEOUT_MS = 30_000;

  private long t0;

  private void step(String what) {
    System.out.printf("[%7.3f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    System.out.flush();
  }

  private void fail(String why) {
    System.out.printf("[%7.3f s] FAIL: %s%n", (System.nanoTime() - t0) / 1e9, why);
  }

  @Override
  public Integer call() throws Exception {
    t0 = System.nanoTime();
    step("berth " + dev.berth.qmp.Version.current() + " on Java " + Runtime.version());
    Machine m = new Machine(MachineConfig.of("self-test", ImageSource.fromResource(GUEST)));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<MachineEvent> events = new CopyOnWriteArrayList<>();
    m.setSerialSink(
        (b, off, len) -> {
          synchronized (console) {
            console.write(b, off, len);
            console.notifyAll();
          }
        });
    m.addListener(
        new MachineListener() {
          @Override
          public void onEvent(MachineEvent e) {
            events.add(e);
            step("event " + e);
          }
        });
    step("booting the bundled demo guest on the bundled core");
    m.start();
    if (!awaitConsole(console, "demo$")) {
      fail("the guest did not reach its prompt within " + STEP_TIMEOUT_MS / 1000 + " s");
      m.kill();
      return 1;
    }
    step("guest ready (prompt on the serial console)");
    if (!m.guestListensToButton()) {
      fail("the guest did not enable the power button");
      m.kill();
      return 1;
    }
    step("pressing the power button (ACPI)");
    m.powerButton();
    MachineExit exit;
    try {
      exit = m.exit().get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      fail("the guest did not power off within " + STEP_TIMEOUT_MS / 1000 + " s");
      m.kill();
      return 1;
    }
    step("run ended: " + exit.describe());
    boolean ok =
        exit.kind() == MachineExit.Kind.SHUTDOWN
            && exit.cause() == ShutdownCause.GUEST_SHUTDOWN
            && events.size() >= 2
            && events.get(events.size() - 2).name().equals(MachineEvent.POWERDOWN)
            && events.get(events.size() - 1).name().equals(MachineEvent.SHUTDOWN);
    if (!ok) {
      fail(
          "expected POWERDOWN then SHUTDOWN {guest:true, reason:\"guest-shutdown\"}, got "
              + events);
      return 1;
    }
    step("PASS: POWERDOWN, then SHUTDOWN {guest:true, reason:\"guest-shutdown\"}");
    return 0;
  }

  private static boolean awaitConsole(ByteArrayOutputStream console, String text)
      throws InterruptedException {
    long deadline = System.nanoTime() + STEP_TIMEOUT_MS * 1_000_000;
    synchronized (console) {
      while (!console.toString(StandardCharsets.UTF_8).contains(text)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(console, left);
      }
      return true;
    }
  }
}
