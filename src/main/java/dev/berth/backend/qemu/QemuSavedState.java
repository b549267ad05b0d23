package dev.berth.backend.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.AtomicFiles;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.SavedState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU VM's saved state: QEMU's own migration stream in one file of the VM's state directory
 * ({@code <state>/saved/<vm>.qemu-state}, 0600). Saving writes a temp file through {@code migrate},
 * fsyncs and renames it, so a power cut in the middle leaves the previous state or none, never a
 * torn one. The next start loads it with {@code migrate-incoming} before the guest runs on.
 */
public final class QemuSavedState {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIGRATE_MILLIS = TimeUnit.MINUTES.toMillis(5);

  private final SavedState where;
  private final Path file;

  public QemuSavedState(BerthDirs dirs, String vm) {
    this.where = new SavedState(dirs, vm, "qemu-state", "QEMU's saved state");
    this.file = where.file();
  }

  Path file() {
    return file;
  }

  SavedState where() {
    return where;
  }

  /** True if the saved state was written at or after {@code millis} (epoch): by this run. */
  boolean writtenSince(long millis) {
    try {
      return where.exists() && Files.getLastModifiedTime(file).toMillis() >= millis;
    } catch (IOException e) {
      return false;
    }
  }

  /** Pauses the guest and writes its state; QEMU keeps running, paused, until it is told to go. */
  public void save(QmpClient monitor) throws IOException {
    where.prepare();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    monitor.execute("stop", null);
    ObjectNode args = JSON.createObjectNode();
    // Berth's own private directory and a checked VM name: nothing in the path needs quoting
    args.put("uri", "exec:umask 0177 && cat > '" + tmp + "'");
    monitor.execute("migrate", args);
    await(monitor, "query-migrate");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    AtomicFiles.syncDirectory(file.getParent());
  }

  /** Loads the state into a QEMU started with {@code -incoming defer}, and lets the guest go on. */
  void restore(QmpClient monitor) throws IOException {
    ObjectNode args = JSON.createObjectNode();
    args.put("uri", "exec:cat '" + file + "'");
    monitor.execute("migrate-incoming", args);
    await(monitor, "query-migrate");
    monitor.execute("cont", null);
    Files.deleteIfExists(file); // taken up: the run goes on from here
  }

  /** Until the migration completes; its failure is QEMU's own words. */
  private static void await(QmpClient monitor, String query) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MIGRATE_MILLIS);
    while (true) {
      JsonNode r = monitor.execute(query, null);
      String status = r.path("status").asText("");
      if (status.equals("completed")) {
        return;
      }
      if (status.equals("failed") || status.equals("cancelled")) {
        throw new IOException(
            "QEMU's migration " + status + ": " + r.path("error-desc").asText("no reason given"));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("QEMU's migration did not finish in " + MIGRATE_MILLIS / 1000 + " s");
      }
      try {
        Thread.sleep(20); // QEMU 7.2 reports a migration's end by status; no event without caps
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while QEMU migrated", e);
      }
    }
  }
}
