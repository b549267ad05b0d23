package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {
  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path state;

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    long micros = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }
  }

  private final ManualClock clock = new ManualClock();

  private static MachineEvent shutdown(ShutdownCause cause, long t) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("guest", cause.isGuest());
    data.put("reason", cause.qapiName());
    return new MachineEvent(MachineEvent.SHUTDOWN, data, t);
  }

  private static MachineExit guestShutdown() {
    return new MachineExit(MachineExit.Kind.SHUTDOWN, ShutdownCause.GUEST_SHUTDOWN, 0, "");
  }

  /** Records a whole run: starting, running, powering down, shutting down, off. */
  private void recordRun(RunHistory history, String vm, long base) throws IOException {
    clock.micros = base;
    try (RunRecorder r = history.startRun(vm)) {
      r.state(VmState.STARTING, base);
      r.state(VmState.RUNNING, base + 100);
      r.event(new MachineEvent(MachineEvent.POWERDOWN, Map.of(), base + 5_000));
      r.state(VmState.POWERING_DOWN, base + 5_000);
      r.event(shutdown(ShutdownCause.GUEST_SHUTDOWN, base + 7_000));
      r.state(VmState.SHUTTING_DOWN, base + 7_000);
      clock.micros = base + 7_500;
      r.end(guestShutdown(), Lifecycle.describe(guestShutdown()));
    }
  }

  @Test
  void aForgedHugeRunNumberCannotMakeTheNextRunWrapAround() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "demo", T0);
    java.nio.file.Files.writeString(
        history.file("demo"),
        "{\"run\":2147483647,\"t\":" + (T0 + 9_000) + ",\"type\":\"start\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    recordRun(history, "demo", T0 + 10_000);

    List<Run> runs = new RunHistory(state, clock).runs("demo");
    assertEquals(List.of(1, 2), runs.stream().map(Run::number).toList(), "the next run is shown");
    assertEquals(T0 + 10_000, runs.get(1).startMicros());
  }

  @Test
  void theGuestsShutdownStepsAndWhoStartedTheRunReadBack() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    try (RunRecorder r = history.startRun("linux", Run.CLI)) {
      r.state(VmState.POWERING_DOWN, T0 + 10);
      r.step(new Run.ConsoleLine(T0 + 20, "berth-shutdown: poweroff: stopping services"));
      r.step(new Run.ConsoleLine(T0 + 30, "reboot: Power down"));
      r.end(guestShutdown(), "Guest powered off (guest-shutdown)");
    }
    try (RunRecorder r = history.startRun("linux")) {
      r.end(guestShutdown(), "x");
    }
    List<Run> runs = new RunHistory(state, clock).runs("linux");
    assertEquals(Run.CLI, runs.get(0).origin());
    assertEquals(
        List.of(
            new Run.ConsoleLine(T0 + 20, "berth-shutdown: poweroff: stopping services"),
            new Run.ConsoleLine(T0 + 30, "reboot: Power down")),
        runs.get(0).steps());
    assertEquals("", runs.get(1).origin(), "started by the app");
    assertEquals(List.of(), runs.get(1).steps());
  }

  @Test
  void aRecordedRunReadsBackAsSegmentsEventsAndEnd() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "demo", T0);

    List<Run> runs = new RunHistory(state, clock).runs("demo");

    assertEquals(1, runs.size());
    Run run = runs.get(0);
    assertEquals(1, run.number());
    assertEquals(T0, run.startMicros());
    assertEquals(
        List.of(
            new Run.Segment(VmState.STARTING, T0, T0 + 100),
            new Run.Segment(VmState.RUNNING, T0 + 100, T0 + 5_000),
            new Run.Segment(VmState.POWERING_DOWN, T0 + 5_000, T0 + 7_000),
            new Run.Segment(VmState.SHUTTING_DOWN, T0 + 7_000, T0 + 7_500)),
        run.segments());
    assertEquals(2, run.events().size());
    assertEquals(MachineEvent.POWERDOWN, run.events().get(0).name());
    MachineEvent sd = run.events().get(1);
    assertEquals(MachineEvent.SHUTDOWN, sd.name());
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, sd.cause());
    assertEquals(true, sd.data().get("guest"));
    assertEquals(T0 + 7_000, sd.timestampMicros());
    assertEquals(
        new Run.End(
            T0 + 7_500,
            MachineExit.Kind.SHUTDOWN,
            ShutdownCause.GUEST_SHUTDOWN,
            0,
            "Guest powered off (guest-shutdown)"),
        run.end());
  }

  @Test
  void theFileIsJsonLinesWithTheDocumentedFields() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "demo", T0);

    List<String> lines = Files.readAllLines(state.resolve("history/demo.jsonl"));

    assertEquals(8, lines.size());
    assertEquals("{\"run\":1,\"t\":" + T0 + ",\"type\":\"start\"}", lines.get(0));
    assertTrue(lines.get(2).contains("\"type\":\"state\",\"state\":\"RUNNING\""), lines.get(2));
    assertTrue(lines.get(5).contains("\"event\":\"SHUTDOWN\",\"data\":{\"guest\":true"));
    assertTrue(lines.get(7).contains("\"type\":\"end\",\"kind\":\"SHUTDOWN\""), lines.get(7));
    assertTrue(lines.get(7).contains("\"cause\":\"guest-shutdown\""), lines.get(7));
  }

  @Test
  void runsAreNumberedPerVmAndARunningRunHasAnOpenSegment() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "a", T0);
    recordRun(history, "a", T0 + 1_000_000);
    recordRun(history, "b", T0);
    RunRecorder third = history.startRun("a");
    third.state(VmState.RUNNING, T0 + 2_000_000);

    List<Run> runs = history.runs("a");

    assertEquals(List.of(1, 2, 3), runs.stream().map(Run::number).toList());
    assertEquals(1, history.runs("b").size());
    Run open = runs.get(2);
    assertNull(open.end());
    assertEquals(List.of(new Run.Segment(VmState.RUNNING, T0 + 2_000_000, null)), open.segments());
    assertTrue(open.segments().get(0).isOpen());
    third.close();
  }

  @Test
  void endWithoutCauseAndAfterEndNothingIsRecorded() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    RunRecorder r = history.startRun("vm");
    r.state(VmState.RUNNING, T0 + 1);
    MachineExit killed = new MachineExit(MachineExit.Kind.KILLED, null, 0, "");
    clock.micros = T0 + 10;
    r.end(killed, Lifecycle.describe(killed));
    r.state(VmState.RUNNING, T0 + 20);

    Run run = history.runs("vm").get(0);

    assertEquals(
        new Run.End(T0 + 10, MachineExit.Kind.KILLED, null, 0, Lifecycle.describe(killed)),
        run.end());
    assertEquals(List.of(new Run.Segment(VmState.RUNNING, T0 + 1, T0 + 10)), run.segments());
  }

  @Test
  void aTornLastLineIsIgnoredAndTheNextRunStartsOnItsOwnLine() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "demo", T0);
    Path file = history.file("demo");
    Files.writeString(
        file, "{\"run\":2,\"t\":" + (T0 + 9) + ",\"type\":\"st", StandardOpenOption.APPEND);

    List<Run> runs = history.runs("demo");
    assertEquals(1, runs.size());
    assertEquals(4, runs.get(0).segments().size());

    recordRun(history, "demo", T0 + 1_000_000);
    List<Run> after = history.runs("demo");
    assertEquals(List.of(1, 2), after.stream().map(Run::number).toList());
    assertEquals(T0 + 1_000_000, after.get(1).startMicros());
    assertEquals(4, after.get(1).segments().size());
    assertEquals(ShutdownCause.GUEST_SHUTDOWN, after.get(1).end().cause());
  }

  @Test
  void garbageLinesAreSkipped() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "demo", T0);
    Path file = history.file("demo");
    List<String> lines = Files.readAllLines(file);
    lines.add(3, "this is not json");
    lines.add(4, "{\"run\":\"one\",\"t\":1,\"type\":\"state\",\"state\":\"RUNNING\"}");
    lines.add(5, "{\"run\":1,\"t\":1,\"type\":\"state\",\"state\":\"ON_FIRE\"}");
    lines.add(6, "[1,2,3]");
    lines.add(7, "{\"run\":1,\"t\":1,\"type\":\"mystery\"}");
    lines.add(8, "");
    Files.write(file, lines);
    Files.write(file, new byte[] {(byte) 0xc3, (byte) 0x28, '\n'}, StandardOpenOption.APPEND);

    List<Run> runs = history.runs("demo");

    assertEquals(1, runs.size());
    assertEquals(4, runs.get(0).segments().size());
    assertEquals(2, runs.get(0).events().size());
    assertEquals(MachineExit.Kind.SHUTDOWN, runs.get(0).end().kind());
  }

  @Test
  void aFileOfNothingButGarbageGivesNoRuns() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    Files.createDirectories(history.file("x").getParent());
    Files.write(history.file("x"), new byte[] {0, 1, 2, '\n', '{', '\n', (byte) 0xff});

    assertEquals(List.of(), history.runs("x"));
    assertEquals(List.of(), history.runs("never-ran"));
    try (RunRecorder r = history.startRun("x")) {
      assertEquals(1, r.run());
    }
  }

  @Test
  void onlyTheLast50RunsAreRead() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    StringBuilder sb = new StringBuilder();
    for (int n = 1; n <= 60; n++) {
      sb.append("{\"run\":")
          .append(n)
          .append(",\"t\":")
          .append(T0 + n)
          .append(",\"type\":\"start\"}\n");
    }
    Files.createDirectories(history.file("vm").getParent());
    Files.writeString(history.file("vm"), sb.toString(), StandardCharsets.UTF_8);

    List<Run> runs = history.runs("vm");

    assertEquals(50, runs.size());
    assertEquals(11, runs.get(0).number());
    assertEquals(60, runs.get(49).number());
    try (RunRecorder r = history.startRun("vm")) {
      assertEquals(61, r.run());
    }
  }

  @Test
  void deleteRemovesTheHistory() throws IOException {
    RunHistory history = new RunHistory(state, clock);
    recordRun(history, "demo", T0);

    assertTrue(history.delete("demo"));
    assertEquals(List.of(), history.runs("demo"));
  }
}
