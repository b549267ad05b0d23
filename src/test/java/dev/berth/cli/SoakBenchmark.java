package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.backend.InstalledBackends;
import dev.berth.backend.qemu.QemuRuntime;
import dev.berth.backend.qemu.X86TestGuest;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.SessionListener;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak: random power actions over four VMs (two on the bundled core, two on QEMU), sent by CLI
 * processes ({@code berth power}) and by QMP clients on the VMs' public sockets, while the app's
 * model (a {@link VmSession} per VM, as the app's view model wraps) watches. After each action,
 * once things settle, every observer must agree: the session's state, {@code berth status}'s code,
 * QMP's {@code query-status} and the run history; no QEMU may outlive its VM and every finished run
 * must have its end.
 *
 * <p>A benchmark, not a test in {@code mvn verify}: {@code mvn test -Dtest=SoakBenchmark
 * -DexcludedGroups= -Dgroups=benchmark -Dsoak.actions=1000 -Dsoak.seed=1}. It prints the figures.
 */
@Tag("benchmark")
class SoakBenchmark {
  private static final long SETTLE_MILLIS = 400;
  private static final long AGREE_TIMEOUT_MILLIS = 60_000;

  private record Vm(VmSpec spec, VmSession session, List<VmState> seen) {}

  @Test
  void randomPowerActionsKeepEveryObserverInAgreement() throws Exception {
    int actions = Integer.getInteger("soak.actions", 1000);
    long seed = Long.getLong("soak.seed", 1);
    Random random = new Random(seed);
    X86TestGuest.ensureBuilt();
    Path home = Files.createTempDirectory(Path.of("/tmp"), "soak");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    RunHistory history = new RunHistory(dirs.state());
    VmStore store = new VmStore(dirs.config());
    List<VmSpec> specs =
        List.of(
            VmSpec.defaultDemo().withName("demo1"),
            VmSpec.defaultDemo().withName("demo2"),
            X86TestGuest.spec("x86a", "pc", ""),
            X86TestGuest.spec("x86b", "q35", ""));
    List<Vm> vms = new ArrayList<>();
    for (VmSpec s : specs) {
      store.save(s);
      VmSession session = new VmSession(s, InstalledBackends.all(), history, dirs);
      List<VmState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      session.addListener(
          new SessionListener() {
            @Override
            public void stateChanged(VmState state) {
              seen.add(state);
            }
          });
      session.setConsoleSink((b, off, len) -> {});
      vms.add(new Vm(s, session, seen));
    }
    CliProcess cli = new CliProcess(home, home.resolve("run"));
    Map<String, Integer> byAction = new LinkedHashMap<>();
    long[] settle = new long[actions];
    int disagreements = 0;
    long t0 = System.nanoTime();
    try {
      for (int i = 0; i < actions; i++) {
        Vm vm = vms.get(random.nextInt(vms.size()));
        String action = act(vm, random, cli, dirs);
        byAction.merge(action, 1, Integer::sum);
        long a = System.nanoTime();
        String why = awaitAgreement(vm, dirs, history);
        settle[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - a);
        if (why != null) {
          disagreements++;
          System.out.println(
              "soak step " + i + " (" + vm.spec().name() + " " + action + "): " + why);
        }
      }
    } finally {
      for (Vm vm : vms) {
        if (vm.session().isActive()) {
          vm.session().kill();
          vm.session().exitFuture().get(20, TimeUnit.SECONDS);
        }
      }
    }
    long wall = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    int orphans = 0;
    int endless = 0;
    for (Vm vm : vms) {
      if (QemuRuntime.of(dirs, vm.spec().name()).process().isPresent()) {
        orphans++;
      }
      for (Run r : history.runs(vm.spec().name())) {
        if (r.end() == null) {
          endless++;
        }
      }
    }
    Arrays.sort(settle);
    System.out.printf(
        "soak: %d actions (seed %d) in %d s over %d VMs: %s%n"
            + "soak: settle time median %d ms, p95 %d ms, max %d ms; disagreements %d, orphaned"
            + " QEMUs %d, runs without an end %d%n",
        actions,
        seed,
        wall,
        vms.size(),
        byAction,
        settle[actions / 2],
        settle[(int) (actions * 0.95)],
        settle[actions - 1],
        disagreements,
        orphans,
        endless);
    assertEquals(0, disagreements, "every observer agreed after every step");
    assertEquals(0, orphans, "no QEMU outlived its VM");
    assertEquals(0, endless, "every run has its end");
  }

  /** One random action fitting the VM's state, from the app's model, a CLI or a QMP client. */
  private static String act(Vm vm, Random random, CliProcess cli, BerthDirs dirs) throws Exception {
    VmSession s = vm.session();
    String name = vm.spec().name();
    VmState state = s.state();
    if (!state.isActive()) {
      s.start().get(60, TimeUnit.SECONDS);
      awaitRunning(vm);
      return "start";
    }
    boolean qemu = vm.spec().backend() == VmSpec.Backend.QEMU;
    String[] running = {"button", "pause", "reset", "quit", "kill", "terminate", "force-off"};
    String[] paused = {"resume", "quit", "kill"};
    String verb =
        state == VmState.PAUSED
            ? paused[random.nextInt(paused.length)]
            : running[random.nextInt(running.length)];
    int by = random.nextInt(3);
    if (by == 0 || (qemu && (verb.equals("kill") || verb.equals("terminate")))) {
      CliProcess.Result r = cli.run("power", name, verb);
      assertTrue(
          r.status() == 0 || !s.isActive(), "berth power " + name + " " + verb + ": " + r.err());
      return "cli:" + verb;
    }
    if (by == 1) {
      try (QmpClient qmp = new QmpClient(VmSockets.qmp(dirs, name), 5000)) {
        qmp.execute(qmpCommand(verb, qemu), null);
      } catch (IOException e) {
        // quit and kill close the socket before the reply comes; the agreement check judges
      }
      return "qmp:" + verb;
    }
    switch (verb) {
      case "button" -> s.powerButton();
      case "pause" -> s.pause();
      case "resume" -> s.resume();
      case "reset" -> s.reset();
      case "quit" -> s.quit();
      case "kill" -> s.kill();
      case "terminate" -> s.terminate();
      default -> s.forceOff();
    }
    return "app:" + verb;
  }

  private static String qmpCommand(String verb, boolean qemu) {
    return switch (verb) {
      case "button" -> "system_powerdown";
      case "pause" -> "stop";
      case "resume" -> "cont";
      case "reset" -> "system_reset";
      case "quit" -> "quit";
      case "kill" -> qemu ? "quit" : "x-berth-kill";
      default -> qemu ? "quit" : "x-berth-terminate";
    };
  }

  /** Waits for a fresh start to be seen running (and, for QEMU, for its guest's acpid). */
  private static void awaitRunning(Vm vm) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (vm.session().state() != VmState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(20); // polls the session's state: the agreement check is the test's subject
    }
  }

  /**
   * Waits until every observer agrees and stays so for {@link #SETTLE_MILLIS}; null then, else what
   * disagreed when {@link #AGREE_TIMEOUT_MILLIS} ran out.
   */
  private static String awaitAgreement(Vm vm, BerthDirs dirs, RunHistory history)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AGREE_TIMEOUT_MILLIS);
    long agreedSince = -1;
    String why = "never checked";
    while (System.nanoTime() < deadline) {
      why = disagreement(vm, dirs, history);
      long now = System.nanoTime();
      if (why == null) {
        if (agreedSince < 0) {
          agreedSince = now;
        } else if (now - agreedSince >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS)) {
          return null;
        }
      } else {
        agreedSince = -1;
      }
      Thread.sleep(50); // observers are polled: that is what a status line or a script does
    }
    return why;
  }

  /** What the observers disagree on, or null. */
  private static String disagreement(Vm vm, BerthDirs dirs, RunHistory history) {
    VmSpec spec = vm.spec();
    VmState model = vm.session().state();
    if (model == VmState.STARTING || model == VmState.STOPPING) {
      return "in transition: " + model;
    }
    String qmp;
    try (QmpClient c = new QmpClient(VmSockets.qmp(dirs, spec.name()), 2000)) {
      qmp = c.execute("query-status", null).path("status").asText();
    } catch (IOException e) {
      qmp = "shut off";
    }
    ObjectNode status = StatusCommand.describe(dirs, spec);
    String cli = status.path("state").asText();
    String expected =
        switch (model) {
          case PAUSED -> "paused";
          case SUSPENDED -> "suspended";
          case SHUT_OFF, CRASHED -> "shut off";
          default -> "running";
        };
    if (model == VmState.SHUTTING_DOWN) {
      return "in transition: " + model;
    }
    if (!qmp.equals(expected)) {
      return "the app's model says " + model + ", QMP says " + qmp;
    }
    if (!cli.equals(expected)) {
      return "the app's model says " + model + ", berth status says " + cli;
    }
    List<Run> runs = history.runs(spec.name());
    if (!runs.isEmpty()) {
      Run last = runs.get(runs.size() - 1);
      boolean ended = last.end() != null;
      if (ended == model.isActive()) {
        return "the app's model says "
            + model
            + ", the history's last run "
            + (ended ? "ended" : "goes on");
      }
      if (!ended) {
        VmState recorded = last.segments().get(last.segments().size() - 1).state();
        if (recorded != model) {
          return "the app's model says " + model + ", the history says " + recorded;
        }
      }
      for (int i = 0; i < runs.size() - 1; i++) {
        if (runs.get(i).end() == null) {
          return "run " + runs.get(i).number() + " has no end";
        }
      }
    }
    if (!model.isActive() && QemuRuntime.of(dirs, spec.name()).process().isPresent()) {
      return "shut off, but its QEMU still runs";
    }
    return null;
  }
}
