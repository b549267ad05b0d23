package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.InstalledBackends;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.SessionListener;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same run, once started by {@code berth start --headless} and driven by {@code berth power}
 * from another process, once driven through the {@link VmSession} the app's view model wraps: the
 * history records the same states, events and end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionHistoryTest {
  @TempDir Path cliHome;
  @TempDir Path appHome;

  private ProcessBuilder berth(String... args) {
    return new CliProcess(cliHome).berth(args).redirectError(ProcessBuilder.Redirect.DISCARD);
  }

  private int run(String... args) throws Exception {
    Process p = berth(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "berth " + String.join(" ", args) + " hung");
    return p.exitValue();
  }

  /** A run as the timeline draws it, without the times: states, events, how it ended. */
  private record Story(List<VmState> states, List<String> events, String end) {
    static Story of(Run r) {
      return new Story(
          r.segments().stream().map(Run.Segment::state).toList(),
          r.events().stream().map(e -> e.name() + e.data()).toList(),
          r.end().kind() + " " + r.end().cause() + " " + r.end().words());
    }
  }

  @Test
  void aRunRecordedThroughTheCliEqualsTheSameRunThroughTheAppsSession() throws Exception {
    Process vm = berth("start", "demo", "--headless").start();
    try (BufferedReader console =
        new BufferedReader(new InputStreamReader(vm.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = console.readLine();
      } while (line != null && !line.contains("demo login-free shell ready"));
      assertNotNull(line, "the demo guest never came up");
      assertEquals(0, run("power", "demo", "pause"));
      assertEquals(0, run("power", "demo", "resume"));
      assertEquals(0, run("power", "demo", "button", "--wait", "--timeout", "20"));
      assertTrue(vm.waitFor(20, TimeUnit.SECONDS));
    } finally {
      vm.destroyForcibly();
    }
    List<Run> cli = new RunHistory(cliHome.resolve(".local/state/berth")).runs("demo");

    Files.createDirectories(appHome.resolve("run"));
    BerthDirs dirs =
        new BerthDirs(Map.of("XDG_RUNTIME_DIR", appHome.resolve("run").toString()), appHome);
    VmSession session =
        new VmSession(
            VmSpec.defaultDemo(), InstalledBackends.all(), new RunHistory(dirs.state()), dirs);
    BlockingQueue<VmState> states = new LinkedBlockingQueue<>();
    session.addListener(
        new SessionListener() {
          @Override
          public void stateChanged(VmState s) {
            states.add(s);
          }
        });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    session.setConsoleSink(
        (b, off, len) -> {
          synchronized (out) {
            out.write(b, off, len);
            out.notifyAll();
          }
        });
    session.start().get(30, TimeUnit.SECONDS);
    synchronized (out) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!out.toString(StandardCharsets.UTF_8).contains("demo login-free shell ready")) {
        long left = deadline - System.nanoTime();
        assertTrue(left > 0, "the demo guest never came up: " + out);
        TimeUnit.NANOSECONDS.timedWait(out, left);
      }
    }
    session.pause().get(10, TimeUnit.SECONDS);
    awaitState(states, VmState.PAUSED);
    session.resume().get(10, TimeUnit.SECONDS);
    awaitState(states, VmState.RUNNING);
    session.powerButton().get(10, TimeUnit.SECONDS);
    session.exitFuture().get(20, TimeUnit.SECONDS);
    awaitState(states, VmState.SHUT_OFF);
    List<Run> app = new RunHistory(dirs.state()).runs("demo");

    assertEquals(1, cli.size(), "one run through the CLI: " + cli);
    assertEquals(1, app.size(), "one run through the session: " + app);
    Story expected =
        new Story(
            List.of(
                VmState.STARTING,
                VmState.RUNNING,
                VmState.PAUSED,
                VmState.RUNNING,
                VmState.POWERING_DOWN,
                VmState.SHUTTING_DOWN),
            List.of(
                "STOP{}", "RESUME{}", "POWERDOWN{}", "SHUTDOWN{guest=true, reason=guest-shutdown}"),
            "SHUTDOWN GUEST_SHUTDOWN Guest powered off (guest-shutdown)");
    assertEquals(expected, Story.of(cli.get(0)), "through the CLI");
    assertEquals(expected, Story.of(app.get(0)), "through the app's session");
    // the timeline marks the run berth start made, and keeps what the guest printed while stopping
    assertEquals(Run.CLI, cli.get(0).origin());
    assertEquals("", app.get(0).origin());
    assertTrue(
        cli.get(0).steps().stream().anyMatch(l -> l.text().contains("entering S5")),
        cli.get(0).steps().toString());
  }

  private static void awaitState(BlockingQueue<VmState> states, VmState wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    VmState s;
    do {
      s = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(s, "never " + wanted);
    } while (s != wanted);
  }
}
