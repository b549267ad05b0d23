package dev.berth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test class, kills each process the class left running and fails the class naming
 * them: a test must end what it started, pass or fail. "Started by the tests" means a descendant of
 * this JVM, or any process whose environment holds this run's {@code BERTH_TEST_RUN} marker (set by
 * surefire and inherited by everything below it), which also finds a QEMU that a CLI process
 * started detached with {@code setsid} and that outlived its parent. Registered for every class
 * through the service file and {@code junit-platform.properties}.
 */
public final class NoLeftoverProcesses implements AfterAllCallback {
  public static final String MARKER = "BERTH_TEST_RUN";

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    List<String> killed = killLeftovers();
    if (!killed.isEmpty()) {
      throw new AssertionError(
          context.getDisplayName()
              + " left "
              + killed.size()
              + " process(es) running (now killed): "
              + String.join("; ", killed));
    }
  }

  /** Kills every process this run started that still runs; returns how each was described. */
  public static List<String> killLeftovers() throws InterruptedException {
    Set<ProcessHandle> found = new LinkedHashSet<>();
    ProcessHandle.current()
        .descendants()
        .filter(NoLeftoverProcesses::notJdkHelper)
        .forEach(found::add);
    String marker = System.getenv(MARKER);
    if (marker != null && !marker.isEmpty()) {
      // This JVM and the shell surefire started it with carry the marker too.
      Set<Long> ours = new java.util.HashSet<>();
      for (Optional<ProcessHandle> h = Optional.of(ProcessHandle.current());
          h.isPresent();
          h = h.get().parent()) {
        ours.add(h.get().pid());
      }
      try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
        all.filter(h -> !ours.contains(h.pid()) && carries(h.pid(), MARKER + "=" + marker))
            .forEach(found::add);
      }
    }
    List<String> described = new ArrayList<>();
    for (ProcessHandle h : found) {
      if (!h.isAlive()) {
        continue;
      }
      String what = h.pid() + " " + h.info().commandLine().orElse("?");
      h.destroyForcibly();
      described.add(what.length() > 160 ? what.substring(0, 160) + "…" : what);
    }
    for (ProcessHandle h : found) {
      h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> h).join();
    }
    return described;
  }

  /** The JVM's own attach-listener helpers and the like are not the tests' doing. */
  private static boolean notJdkHelper(ProcessHandle h) {
    Optional<String> cmd = h.info().command();
    return cmd.map(c -> !c.endsWith("/jspawnhelper")).orElse(true);
  }

  /** True if /proc/PID/environ holds {@code entry} (a process of another user is unreadable). */
  private static boolean carries(long pid, String entry) {
    try {
      byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
        if (e.equals(entry)) {
          return true;
        }
      }
    } catch (IOException | SecurityException e) {
      // gone, or not ours to read
    }
    return false;
  }
}
