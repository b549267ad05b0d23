package dev.berth.app;

import dev.berth.backend.InstalledBackends;
import dev.berth.vm.VmSockets;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.collections.ObservableList;

/**
 * What the CLI does shows in the window at once: it watches the VM library ({@code
 * $XDG_CONFIG_HOME/berth/vms}) and the runtime directory, and keeps the VM list in step — a VM made
 * by {@code berth create} appears, one deleted goes, an edited spec is taken (at its next start if
 * it runs), and a VM started elsewhere whose sockets appear is taken up ({@link
 * VmViewModel#reattach}). Its thread only watches; the list changes on the FX thread, a moment
 * after the last change of a burst.
 */
final class LibraryWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LibraryWatcher.class.getName());

  /** A burst of file events (a save is a temp file, then a rename) is acted on once. */
  private static final long SETTLE_MILLIS = 300;

  private final BerthApp.Library library;
  private final ObservableList<VmViewModel> vms;
  private final Consumer<VmViewModel> added;
  private final WatchService watcher;
  private final Path vmsDir;
  private final Path runtimeDir;
  private final ScheduledExecutorService settle =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "berth-library-settle");
            t.setDaemon(true);
            return t;
          });
  private ScheduledFuture<?> pending;

  /**
   * @param vms the window's list (guarded by itself, as {@code MainController.allVms} reads it)
   * @param added wires a VM the watcher adds, before it joins the list
   */
  private LibraryWatcher(
      BerthApp.Library library, ObservableList<VmViewModel> vms, Consumer<VmViewModel> added)
      throws IOException {
    this.library = library;
    this.vms = vms;
    this.added = added;
    this.vmsDir = library.store().directory();
    this.runtimeDir = library.dirs().createRuntime();
    this.watcher = vmsDir.getFileSystem().newWatchService();
  }

  /** Starts watching; null (logged) if the directories cannot be watched. */
  static LibraryWatcher start(
      BerthApp.Library library, ObservableList<VmViewModel> vms, Consumer<VmViewModel> added) {
    try {
      LibraryWatcher w = new LibraryWatcher(library, vms, added);
      w.register(w.vmsDir);
      w.register(w.runtimeDir);
      try (var dirs = Files.list(w.runtimeDir)) {
        for (Path d : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
          w.register(d);
        }
      }
      Thread t = new Thread(w::run, "berth-library-watch");
      t.setDaemon(true);
      t.start();
      return w;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot watch the VM library: " + e.getMessage());
      return null;
    }
  }

  private void register(Path dir) throws IOException {
    dir.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_DELETE,
        StandardWatchEventKinds.ENTRY_MODIFY);
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> e : key.pollEvents()) {
          // a VM's own runtime directory (QEMU's sockets, pid file) is watched once it appears
          if (dir.equals(runtimeDir)
              && e.kind() == StandardWatchEventKinds.ENTRY_CREATE
              && e.context() instanceof Path name
              && Files.isDirectory(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            register(dir.resolve(name));
          }
        }
        key.reset();
        changed();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: the window went
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "stopped watching the VM library: " + e.getMessage());
    }
  }

  private synchronized void changed() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending =
        settle.schedule(() -> Platform.runLater(this::sync), SETTLE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** On the FX thread: the list as the files say, and running VMs taken up. */
  private void sync() {
    List<VmSpec> specs;
    try {
      specs = library.store().load().specs();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read the VM library: " + e.getMessage());
      return;
    }
    Map<String, VmSpec> onDisk = new HashMap<>();
    specs.forEach(s -> onDisk.put(s.name(), s));
    Map<String, VmViewModel> shown = new HashMap<>();
    for (VmViewModel m : List.copyOf(vms)) {
      shown.put(m.name(), m);
      VmSpec now = onDisk.get(m.name());
      if (now == null) {
        if (!m.isActive()) {
          synchronized (vms) {
            vms.remove(m); // deleted elsewhere; a running VM stays until it stops
          }
        }
      } else if (!now.equals(m.spec())) {
        m.setSpec(now);
      }
    }
    for (VmSpec s : specs) {
      if (!shown.containsKey(s.name())) {
        VmViewModel m =
            VmViewModel.of(s, InstalledBackends.all(), library.history(), library.dirs());
        added.accept(m);
        synchronized (vms) {
          vms.add(m);
        }
        m.reattach();
      }
    }
    // a VM started elsewhere (berth start) serves QMP: take it up
    for (VmViewModel m : List.copyOf(vms)) {
      if (!m.isActive()
          && Files.exists(VmSockets.qmp(library.dirs(), m.name()), LinkOption.NOFOLLOW_LINKS)) {
        m.reattach();
      }
    }
  }

  @Override
  public void close() {
    settle.shutdownNow();
    try {
      watcher.close();
    } catch (IOException e) {
      // closing is all that was asked
    }
  }
}
