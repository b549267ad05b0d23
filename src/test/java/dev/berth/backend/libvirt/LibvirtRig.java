package dev.berth.backend.libvirt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.InstalledBackends;
import dev.berth.testing.SessionWatch;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Run;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmSession;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test domain on the local libvirtd with a {@link VmSession} on it, as the app has one: the
 * states it went through, its log lines, its console, and its history. {@link #close} destroys and
 * undefines the domain, pass or fail.
 */
final class LibvirtRig implements AutoCloseable {
  final String name;
  final LibvirtTestDomain domain;
  final RunHistory history;
  final VmSession session;
  final SessionWatch watch;
  final BlockingQueue<VmState> states;
  final BlockingQueue<String> log;
  final BlockingQueue<String> messages;

  /** Defines {@code name} with the guest's kernel {@code params} and opens a session on it. */
  LibvirtRig(String name, String... params) throws Exception {
    this(name, LibvirtTestDomain.URI, null, params);
  }

  /** A rig whose session reaches the local libvirtd through {@code uri} (ssh, say). */
  static LibvirtRig via(String uri, String name) throws Exception {
    return new LibvirtRig(name, uri, null, new String[0]);
  }

  /** A rig whose domain has {@code disk} (a qcow2 image) as its vda. */
  static LibvirtRig withDisk(String name, Path disk) throws Exception {
    return new LibvirtRig(name, LibvirtTestDomain.URI, disk, new String[0]);
  }

  private LibvirtRig(String name, String uri, Path disk, String[] params) throws Exception {
    this.name = name;
    Path home = Files.createTempDirectory(Path.of("/tmp"), "lv");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    history = new RunHistory(dirs.state());
    domain = LibvirtTestDomain.define(name, disk, params);
    session = new VmSession(VmSpec.libvirt(name, uri), InstalledBackends.all(), history, dirs);
    watch = new SessionWatch(session);
    states = watch.states;
    log = watch.log;
    messages = watch.messages;
  }

  /**
   * Starts the domain and waits until the guest's shell answers on its console. Not by its boot
   * lines: QEMU drops pty output until a reader has the pty open, and the console stream opens a
   * moment after the start, so the first lines of a boot may never reach anyone.
   */
  void boot() throws Exception {
    session.start().get(30, TimeUnit.SECONDS);
    awaitState(VmState.RUNNING);
    typeUntil("echo up-$((6*7))", "up-42", 60);
  }

  /** Boots and waits until the guest agent answers (acpid is up before it). */
  void bootWithAgent() throws Exception {
    boot();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!session.vm().probeAgent().answers()) {
      assertTrue(System.nanoTime() < deadline, "the guest agent never answered");
      Thread.sleep(250); // each probe is a libvirt agent command; nothing to wait on instead
    }
  }

  String console() {
    return watch.console();
  }

  void awaitConsole(String text, int seconds) throws InterruptedException {
    watch.awaitConsole(text, seconds);
  }

  void typeUntil(String line, String text, int seconds) throws InterruptedException {
    watch.typeUntil(line, text, seconds);
  }

  /** Waits for the session to pass through {@code wanted}; fails if it does not in time. */
  void awaitState(VmState wanted) throws InterruptedException {
    awaitState(wanted, 60);
  }

  void awaitState(VmState wanted, int seconds) throws InterruptedException {
    watch.awaitState(wanted, seconds);
  }

  /** The run once it has ended. */
  Run lastRun() throws Exception {
    return watch.lastRun(history);
  }

  /** The domain's runs in the history, under its host-tagged key. */
  List<Run> runs() {
    return history.runs(session.spec().historyKey());
  }

  static List<String> events(Run r) {
    return r.events().stream().map(e -> e.name() + e.data()).toList();
  }

  @Override
  public void close() throws java.io.IOException {
    domain.close();
  }
}
