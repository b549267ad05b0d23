package dev.berth.testing;

import dev.berth.backend.InstalledBackends;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VmSession} on {@code spec} as the app has one, over Berth directories of its own under a
 * fresh short path in /tmp (unix socket paths are limited to 108 bytes), with what a test sees of
 * it. {@link #close} kills the VM if it still runs, pass or fail.
 */
public final class TestSession implements AutoCloseable {
  public final Path home;
  public final BerthDirs dirs;
  public final RunHistory history;
  public final VmSession session;
  public final SessionWatch watch;

  private TestSession(Path home, VmSpec spec) throws java.io.IOException {
    this.home = home;
    Path run = Files.createDirectories(home.resolve("run"));
    this.dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", run.toString()), home);
    this.history = new RunHistory(dirs.state());
    this.session = new VmSession(spec, InstalledBackends.all(), history, dirs);
    this.watch = new SessionWatch(session);
  }

  /** A session on {@code spec} in a new home named from {@code prefix}. */
  public static TestSession of(String prefix, VmSpec spec) throws java.io.IOException {
    return new TestSession(Files.createTempDirectory(Path.of("/tmp"), prefix), spec);
  }

  /** A home made first (to put a disk in it), then a session on the spec built with it. */
  public static TestSession in(Path home, VmSpec spec) throws java.io.IOException {
    return new TestSession(home, spec);
  }

  @Override
  public void close() throws java.io.IOException {
    if (!session.isActive()) {
      return;
    }
    try {
      session.kill().get(30, TimeUnit.SECONDS);
      session.exitFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new java.io.IOException("the test's VM did not end: " + e, e);
    }
  }
}
