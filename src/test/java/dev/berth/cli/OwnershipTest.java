package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One VM, one running copy, and signals only for the process Berth started: concurrent starts, a
 * forged pid file, a name that climbs out of the runtime directory, and a QEMU that was stopped
 * with SIGSTOP and answers nothing (issue 14, items 1 to 3).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OwnershipTest {
  @TempDir Path home;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void endAll() {
    started.forEach(Process::destroyForcibly);
  }

  private CliProcess cli() {
    return new CliProcess(home);
  }

  private Process spawn(String... args) throws Exception {
    Process p = cli().berth(args).start();
    started.add(p);
    return p;
  }

  /** The first line of {@code p}'s output that contains {@code text}, or null at its end. */
  private static CompletableFuture<String> lineOf(Process p, String text) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              if (line.contains(text)) {
                return line;
              }
            }
          } catch (java.io.IOException e) {
            // the process ended
          }
          return null;
        });
  }

  private Path runtimeFile(String vm, String file) throws Exception {
    try (var files = Files.walk(home)) {
      return files
          .filter(f -> f.endsWith(Path.of(vm, file)) || f.endsWith(Path.of(vm, "qmp.sock")))
          .findFirst()
          .map(f -> f.resolveSibling(file))
          .orElseThrow(() -> new AssertionError("no runtime directory for " + vm));
    }
  }

  @Test
  void threeStartsAtOnceRunOneCopyAndTellTheOthersWhy() throws Exception {
    assertEquals(0, cli().run("list").status()); // the first run's default VMs exist
    List<Process> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starts.add(spawn("start", "demo", "--headless"));
    }
    List<CompletableFuture<String>> ready = new ArrayList<>();
    for (Process p : starts) {
      ready.add(lineOf(p, "demo login-free shell ready"));
    }
    int running = 0;
    int refused = 0;
    for (int i = 0; i < starts.size(); i++) {
      Process p = starts.get(i);
      String line = ready.get(i).get(60, TimeUnit.SECONDS);
      if (line != null) {
        running++;
        continue;
      }
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(1, p.exitValue(), err);
      assertTrue(err.contains("demo is already running"), err);
      assertEquals(1, err.strip().lines().count(), "one line: " + err);
      refused++;
    }
    assertEquals(1, running, "exactly one copy of demo runs");
    assertEquals(2, refused);
    CliProcess.Result quit = cli().run("power", "demo", "quit", "--wait", "--timeout", "20");
    assertEquals(0, quit.status(), quit.err());
    for (Process p : starts) {
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "every start ended");
    }
    assertTrue(cli().run("status", "demo").out().contains("shut off"));
  }

  @Test
  void signalsGoOnlyToTheProcessBerthStarted() throws Exception {
    Process bystander = new ProcessBuilder("sleep", "300").start();
    started.add(bystander);

    CliProcess.Result climbing = cli().run("power", "../../../../x/evil", "kill");
    assertEquals(2, climbing.status(), climbing.err());
    assertEquals(1, climbing.err().strip().lines().count(), climbing.err());
    assertTrue(climbing.err().contains("is not a VM name"), climbing.err());

    Process demo = spawn("start", "demo", "--headless");
    assertTrue(lineOf(demo, "demo login-free shell ready").get(60, TimeUnit.SECONDS) != null);
    // a forged pid file in the running bundled VM's directory names the bystander
    Files.writeString(runtimeFile("demo", "qemu.pid"), bystander.pid() + "\n");
    CliProcess.Result kill = cli().run("power", "demo", "kill");
    assertEquals(0, kill.status(), kill.err());
    assertTrue(demo.waitFor(20, TimeUnit.SECONDS), "the VM itself was killed");
    assertTrue(bystander.isAlive(), "the process the pid file named was left alone");
  }

  @Test
  void aStoppedQemuIsStillRunningAndForceOffEndsIt() throws Exception {
    CliProcess.Result created = cli().createX86("x86");
    assertEquals(0, created.status(), created.err());
    CliProcess.Result start = cli().run("start", "x86");
    assertEquals(0, start.status(), start.err());
    long pid = Long.parseLong(Files.readString(runtimeFile("x86", "qemu.pid")).strip());
    ProcessHandle qemu = ProcessHandle.of(pid).orElseThrow();
    try {
      dev.berth.backend.qemu.ProcessSignals.send(qemu, "STOP");
      CliProcess.Result status = cli().run("status", "x86");
      assertTrue(status.out().contains("not responding"), status.out() + status.err());
      CliProcess.Result again = cli().run("start", "x86");
      assertEquals(1, again.status(), "no second QEMU for the same VM");
      assertTrue(again.err().contains("already running"), again.err());

      CliProcess.Result off = cli().run("power", "x86", "force-off", "--wait", "--timeout", "30");
      assertEquals(0, off.status(), off.err());
      assertTrue(qemu.onExit().get(5, TimeUnit.SECONDS) != null);
      assertFalse(qemu.isAlive(), "the stopped QEMU was killed");
    } finally {
      qemu.destroyForcibly();
    }
  }
}
