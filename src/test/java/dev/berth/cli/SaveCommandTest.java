package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineExit;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth save} on a Linux VM that {@code berth start --headless} runs in another process: the
 * next {@code berth start} goes on with what only RAM held. A power cut (SIGKILL of the process
 * running the VM) in the middle of a save leaves no torn state: the next start boots or restores.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SaveCommandTest {
  @TempDir Path home;
  private final List<Process> started = new java.util.ArrayList<>();

  @AfterEach
  void end() {
    started.forEach(Process::destroyForcibly);
  }

  /** A headless VM process whose console the test reads and types on. */
  private final class Headless {
    final Process p;
    final StringBuffer console = new StringBuffer();

    Headless() throws IOException {
      p = new CliProcess(home).berth("start", "linux", "--headless").start();
      started.add(p);
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[4096];
                try (InputStream in = p.getInputStream()) {
                  for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (console) {
                      console.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                      console.notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    /** {@code berth power linux quit} from another process, and this one ends. */
    void quit() throws Exception {
      assertEquals(0, new CliProcess(home).run("power", "linux", "quit").status());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    /** Types {@code line} until {@code text} follows it on the console (early input is lost). */
    void typeUntil(String line, String text) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      OutputStream in = p.getOutputStream();
      while (true) {
        int from = console.length();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        synchronized (console) {
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
          while (console.indexOf(text, from) < 0 && System.nanoTime() < until && p.isAlive()) {
            console.wait(100);
          }
          if (console.indexOf(text, from) >= 0) {
            return;
          }
        }
        assertTrue(p.isAlive(), "the VM's process ended:\n" + console);
        assertTrue(System.nanoTime() < deadline, "never saw '" + text + "':\n" + console);
      }
    }
  }

  private Path stateFile() {
    return home.resolve(".local/state/berth/saved/linux.berth-state");
  }

  @Test
  void berthSaveThenStartGoesOnWhereTheGuestWas() throws Exception {
    Headless first = new Headless();
    first.typeUntil("echo ram-$((4*4)) > /tmp/m; echo wrote-$((2+2))", "wrote-4");
    CliProcess.Result save = new CliProcess(home).run("save", "linux");
    assertEquals(0, save.status(), save.err());
    assertTrue(first.p.waitFor(30, TimeUnit.SECONDS), "the VM's process ends once saved");
    assertTrue(Files.isRegularFile(stateFile()));
    List<Run> runs = new RunHistory(home.resolve(".local/state/berth")).runs("linux");
    assertEquals(MachineExit.Kind.SAVED, runs.get(runs.size() - 1).end().kind());
    CliProcess.Result status = new CliProcess(home).run("status", "linux", "--json");
    assertTrue(status.out().contains("\"savedState\":\"the core's saved state"), status.out());

    Headless second = new Headless();
    second.typeUntil("cat /tmp/m", "ram-16");
    assertFalse(second.console.toString().contains("berth-linux ready"), "restored, not booted");
    second.quit();
  }

  @Test
  void aPowerCutDuringTheSaveLeavesNoTornState() throws Exception {
    Headless first = new Headless();
    first.typeUntil("echo up-$((1+2))", "up-3");
    Process save = new CliProcess(home).berth("save", "linux").start();
    started.add(save);
    Path tmp = stateFile().resolveSibling("linux.berth-state.tmp");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(tmp) && !Files.exists(stateFile())) {
      assertTrue(System.nanoTime() < deadline, "the save never began");
      Thread.onSpinWait(); // the save takes ~0.1 s: the kill must land inside it
    }
    first.p.destroyForcibly(); // SIGKILL: the power cut
    assertTrue(first.p.waitFor(30, TimeUnit.SECONDS));
    save.waitFor(60, TimeUnit.SECONDS);
    boolean complete = Files.exists(stateFile());
    System.out.println(
        "power cut during berth save: "
            + (complete ? "after the rename (the state is whole)" : "before the rename (none)"));

    Headless second = new Headless();
    second.typeUntil("echo alive-$((5*5))", "alive-25");
    // either it restored a state that was whole, or there was none and it booted afresh
    assertEquals(
        !complete,
        second.console.toString().contains("berth-linux ready"),
        second.console.toString());
    assertFalse(Files.exists(stateFile()));
    second.quit();
  }

  /** Over QMP to the process that runs the VM: take, go back (RAM too), list, delete. */
  @Test
  void berthSnapshotOnAVmAnotherProcessRuns() throws Exception {
    Headless vm = new Headless();
    vm.typeUntil("echo a > /tmp/m; echo w-$((1+1))", "w-2");
    CliProcess cli = new CliProcess(home);
    CliProcess.Result take = cli.run("snapshot", "linux", "create", "s1", "-d", "mark a");
    assertEquals(0, take.status(), take.err());
    vm.typeUntil("echo b > /tmp/m; echo w-$((2+1))", "w-3");
    CliProcess.Result back = cli.run("snapshot", "linux", "revert", "s1");
    assertEquals(0, back.status(), back.err());
    vm.typeUntil("cat /tmp/m | tr '\\n' +", "a+");
    CliProcess.Result list = cli.run("snapshot", "linux", "list");
    assertTrue(list.out().startsWith("s1, "), list.out());
    assertTrue(list.out().contains("with memory"), list.out());
    assertTrue(list.out().contains(": mark a"), list.out());
    vm.quit();
    List<Run> runs = new RunHistory(home.resolve(".local/state/berth")).runs("linux");
    List<String> events =
        runs.get(runs.size() - 1).events().stream().map(e -> e.name() + e.data()).toList();
    assertTrue(
        events.contains("SNAPSHOT_SAVED{tag=s1}"), "the run that was snapshotted: " + events);
    assertTrue(events.contains("SNAPSHOT_LOADED{tag=s1}"), "" + events);
    CliProcess.Result missing = cli.run("snapshot", "linux", "revert", "nope");
    assertEquals(1, missing.status());
    assertEquals("berth: linux has no snapshot named nope\n", missing.err());
    assertEquals(0, cli.run("snapshot", "linux", "delete", "s1").status());
    assertEquals("", cli.run("snapshot", "linux", "list").out());
  }
}
