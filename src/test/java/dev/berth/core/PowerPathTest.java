package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.RunState;
import dev.berth.event.ShutdownCause;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every power path through the machine's main loop, with the exact events and causes. */
class PowerPathTest {

  private static void assertShutdown(GuestRun run, ShutdownCause cause) {
    MachineExit exit = run.awaitExit();
    assertEquals(MachineExit.Kind.SHUTDOWN, exit.kind(), exit.describe());
    assertEquals(cause, exit.cause());
    MachineEvent last = run.events().get(run.events().size() - 1);
    assertEquals(MachineEvent.SHUTDOWN, last.name());
    assertEquals(Map.of("guest", cause.isGuest(), "reason", cause.qapiName()), last.data());
    assertEquals(RunState.SHUTDOWN, run.machine.state());
  }

  @Test
  void powerButtonHonouredByTheGuestEndsInGuestShutdown() {
    try (GuestRun run = GuestRun.start("pm_button")) {
      run.awaitConsole("pm: button enabled, waiting");
      assertTrue(run.machine.guestListensToButton());
      run.machine.powerButton();
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of("POWERDOWN", "SHUTDOWN"), run.eventNames());
      assertTrue(run.console().contains("pm: sci sts=0x0100"), run.console());
      assertTrue(run.console().contains("pm: powering off"), run.console());
    }
  }

  @Test
  void aThrowingListenerIsLoggedAndTheOthersStillGetEveryEvent() throws Exception {
    try (GuestRun run = GuestRun.start("pm_button")) {
      List<String> after = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.CompletableFuture<MachineExit> seen =
          new java.util.concurrent.CompletableFuture<>();
      run.machine.addListener(new dev.berth.testing.ThrowingListener());
      run.machine.addListener(
          new dev.berth.event.MachineListener() {
            @Override
            public void onEvent(MachineEvent e) {
              after.add(e.name());
            }

            @Override
            public void onExit(MachineExit exit) {
              seen.complete(exit);
            }
          });
      run.awaitConsole("pm: button enabled, waiting");
      run.machine.powerButton();
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of("POWERDOWN", "SHUTDOWN"), after);
      assertEquals(
          MachineExit.Kind.SHUTDOWN,
          seen.get(5, java.util.concurrent.TimeUnit.SECONDS).kind(),
          "the listener after the bad one saw the end");
    }
  }

  @Test
  void powerButtonIgnoredWhenTheGuestNeverEnabledIt() {
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      run.machine.powerButton();
      run.awaitEvent("POWERDOWN");
      run.machine.powerButton(); // a second press is lost too
      run.awaitConsole("alive 4");
      run.type("?");
      run.awaitConsole("still here");
      assertFalse(run.machine.guestListensToButton());
      assertEquals(List.of("POWERDOWN", "POWERDOWN"), run.eventNames());
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
      assertEquals(List.of("POWERDOWN", "POWERDOWN", "SHUTDOWN"), run.eventNames());
    }
  }

  @Test
  void guestPowerOffThroughSlpEn() {
    try (GuestRun run = GuestRun.start("demo")) {
      run.awaitConsole("demo$ ");
      run.type("poweroff\r");
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of("SHUTDOWN"), run.eventNames());
    }
  }

  @Test
  void guestPowerOffThroughSifiveTest() {
    try (GuestRun run = GuestRun.start("hello")) {
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertTrue(run.console().startsWith("Hello from Berth guest"));
    }
  }

  @Test
  void quitIsAPowerCut() {
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
      assertEquals(List.of("SHUTDOWN"), run.eventNames());
    }
  }

  @Test
  void terminateIsHostSignal() {
    try (GuestRun run = GuestRun.start("pm_button")) {
      run.awaitConsole("waiting");
      run.machine.terminate();
      assertShutdown(run, ShutdownCause.HOST_SIGNAL);
      assertEquals(List.of("SHUTDOWN"), run.eventNames());
    }
  }

  @Test
  void killPublishesNoEvent() {
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      run.machine.kill();
      MachineExit exit = run.awaitExit();
      assertEquals(MachineExit.Kind.KILLED, exit.kind());
      assertEquals(137, exit.exitStatus());
      assertEquals(List.of(), run.eventNames());
    }
  }

  @Test
  void hostResetRestartsTheGuest() {
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      run.machine.reset();
      run.awaitConsole("pm: ignoring the button", 2);
      MachineEvent reset = run.events().get(0);
      assertEquals("RESET", reset.name());
      assertEquals(Map.of("guest", false, "reason", "host-qmp-system-reset"), reset.data());
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
    }
  }

  @Test
  void guestResetThroughSifiveTest() {
    try (GuestRun run = GuestRun.start("reset")) {
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of("RESET", "SHUTDOWN"), run.eventNames());
      assertEquals(Map.of("guest", true, "reason", "guest-reset"), run.events().get(0).data());
      assertTrue(run.console().contains("first boot\nafter reset\n"), run.console());
    }
  }

  @Test
  void pauseStopsTheGuestAndResumeContinues() {
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      run.machine.pause();
      run.awaitEvent("STOP");
      assertEquals(RunState.PAUSED, run.machine.state());
      long before = run.machine.instructionsRetired();
      String consoleBefore = run.console();
      assertTrue(run.stillRunningAfter(Duration.ofMillis(300)));
      assertEquals(before, run.machine.instructionsRetired(), "no instruction runs while paused");
      assertEquals(consoleBefore, run.console());
      run.machine.pause(); // already paused: no second STOP
      run.machine.resume();
      run.awaitEvent("RESUME");
      run.awaitConsole("alive", countAlive(consoleBefore) + 1);
      assertEquals(List.of("STOP", "RESUME"), run.eventNames());
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
    }
  }

  @Test
  void quitWhilePausedStillShutsDown() {
    try (GuestRun run = GuestRun.start("pm_ignore")) {
      run.awaitConsole("alive 1");
      run.machine.pause();
      run.awaitEvent("STOP");
      run.machine.quit();
      assertShutdown(run, ShutdownCause.HOST_QMP_QUIT);
      assertEquals(List.of("STOP", "SHUTDOWN"), run.eventNames());
    }
  }

  @Test
  void failureExitCarriesTheGuestCode() {
    try (GuestRun run = GuestRun.start("fail")) {
      MachineExit exit = run.awaitExit();
      assertEquals(MachineExit.Kind.FAILURE, exit.kind());
      assertEquals(3, exit.exitStatus());
      assertEquals(List.of(), run.eventNames());
    }
  }

  @Test
  void guestSuspendsAndSystemWakeupResumesIt() {
    try (GuestRun run = GuestRun.start("demo")) {
      run.awaitConsole("demo$ ");
      run.type("suspend\r");
      run.awaitEvent("SUSPEND");
      assertEquals(RunState.SUSPENDED, run.machine.state());
      run.awaitConsole("pm: entering S3");
      assertFalse(run.console().contains("resumed from S3"));
      run.machine.wakeup();
      run.awaitEvent("WAKEUP");
      run.awaitConsole("pm: resumed from S3");
      assertEquals(RunState.RUNNING, run.machine.state());
      run.type("poweroff\r");
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of("SUSPEND", "WAKEUP", "SHUTDOWN"), run.eventNames());
    }
  }

  @Test
  void powerButtonWakesASuspendedGuestThatThenPowersOff() {
    try (GuestRun run = GuestRun.start("demo")) {
      run.awaitConsole("demo$ ");
      run.type("suspend\r");
      run.awaitEvent("SUSPEND");
      run.machine.powerButton();
      assertShutdown(run, ShutdownCause.GUEST_SHUTDOWN);
      assertEquals(List.of("SUSPEND", "POWERDOWN", "WAKEUP", "SHUTDOWN"), run.eventNames());
      assertTrue(run.console().contains("pm: resumed from S3"), run.console());
    }
  }

  private static int countAlive(String console) {
    return console.split("alive", -1).length - 1;
  }
}
