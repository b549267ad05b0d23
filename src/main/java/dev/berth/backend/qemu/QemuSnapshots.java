package dev.berth.backend.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.io.DiskImages;
import dev.berth.qmp.QmpClient;
import dev.berth.vm.AtomicFiles;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.PrivateFiles;
import dev.berth.vm.Snapshot;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU VM's snapshots, QEMU's own: internal qcow2 snapshots of every disk, the machine state in
 * the first one. A running QEMU takes, loads and deletes them as {@code snapshot-save}, {@code
 * snapshot-load} and {@code snapshot-delete} jobs; a VM that is off gets {@code qemu-img snapshot},
 * and a memory snapshot it is put back to is loaded by the next start ({@code -loadvm}). Berth
 * keeps only the user's description of each, in {@code <state>/snapshots/<vm>/<tag>.json}.
 */
public final class QemuSnapshots {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long JOB_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private final VmSpec spec;
  private final BerthDirs dirs;

  public QemuSnapshots(VmSpec spec, BerthDirs dirs) {
    this.spec = spec;
    this.dirs = dirs;
  }

  /** Snapshots need disks, and QEMU keeps them only in qcow2 images. */
  public static String problem(VmSpec spec) {
    if (spec.disks().isEmpty()) {
      return "it has no disk to keep snapshots in (QEMU keeps them in qcow2 images)";
    }
    for (String d : spec.disks()) {
      if (!DiskImages.isQcow2(Path.of(d))) {
        return d + " is not a qcow2 image (qemu-img convert -O qcow2 makes one)";
      }
    }
    return null;
  }

  private Path meta(String tag) {
    return Snapshot.directory(dirs, spec.name()).resolve(tag + ".json");
  }

  /** Where the tag the next start loads with -loadvm is kept: beside a saved state. */
  Path loadAtStart() {
    return dirs.state().resolve("saved").resolve(spec.name() + ".loadvm");
  }

  /**
   * The snapshot the next start loads, if one was gone back to while the VM was off; a file that
   * does not hold a snapshot's name is never handed to QEMU's command line.
   */
  java.util.Optional<String> tagToLoad() {
    try {
      Path load = loadAtStart();
      if (!Files.isRegularFile(load)) {
        return java.util.Optional.empty();
      }
      String tag = Files.readString(load).strip();
      return Snapshot.problem(tag) == null
          ? java.util.Optional.of(tag)
          : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  List<Snapshot> list() throws IOException {
    if (problem(spec) != null) {
      return List.of();
    }
    JsonNode info = JSON.readTree(qemuImg("info", "--output=json", "-U", spec.disks().get(0)));
    List<Snapshot> all = new ArrayList<>();
    for (JsonNode s : info.path("snapshots")) {
      String tag = s.path("name").asText();
      String description = "";
      long created = s.path("date-sec").asLong() * 1000 + s.path("date-nsec").asLong() / 1_000_000;
      Path m = meta(tag);
      if (Files.isRegularFile(m)) {
        JsonNode mine = JSON.readTree(Files.readAllBytes(m));
        description = mine.path("description").asText("");
      }
      long vmState = s.path("vm-state-size").asLong();
      all.add(new Snapshot(tag, description, created, vmState > 0, vmState, null));
    }
    return all;
  }

  Snapshot find(String tag) throws IOException {
    return Snapshot.find(list(), spec.name(), tag);
  }

  private void describe(String tag, String description) throws IOException {
    PrivateFiles.directory(dirs.state());
    PrivateFiles.directory(Snapshot.directory(dirs, spec.name()).getParent());
    PrivateFiles.directory(Snapshot.directory(dirs, spec.name()));
    ObjectNode m = JSON.createObjectNode().put("tag", tag).put("description", description);
    AtomicFiles.write(meta(tag), JSON.writeValueAsBytes(m));
  }

  // ---- a running QEMU: its snapshot jobs, over any of its QMP sockets ----------------------

  public Snapshot take(QmpClient monitor, String tag, String description) throws IOException {
    requireNew(tag);
    job(monitor, "snapshot-save", tag, true);
    describe(tag, description == null ? "" : description);
    return find(tag);
  }

  public void revert(QmpClient monitor, String tag) throws IOException {
    if (!find(tag).withMemory()) {
      throw new IOException(
          "snapshot "
              + tag
              + " holds no machine state: shut "
              + spec.name()
              + " down to revert its"
              + " disks");
    }
    job(monitor, "snapshot-load", tag, true);
  }

  public void delete(QmpClient monitor, String tag) throws IOException {
    find(tag);
    job(monitor, "snapshot-delete", tag, false);
    Files.deleteIfExists(meta(tag));
  }

  private void requireNew(String tag) throws IOException {
    Snapshot.requireTag(tag);
    if (list().stream().anyMatch(s -> s.tag().equals(tag))) {
      throw new IOException(spec.name() + " already has a snapshot named " + tag);
    }
  }

  /** Runs one snapshot job to its end; its error, if any, is QEMU's own words. */
  private void job(QmpClient monitor, String command, String tag, boolean vmState)
      throws IOException {
    String id = "berth-" + command + "-" + System.nanoTime();
    ObjectNode args = JSON.createObjectNode().put("job-id", id).put("tag", tag);
    if (vmState) {
      args.put("vmstate", QemuCommandLine.nodeName(0));
    }
    var devices = args.putArray("devices");
    for (int i = 0; i < spec.disks().size(); i++) {
      devices.add(QemuCommandLine.nodeName(i));
    }
    try {
      dev.berth.qmp.QmpJob.run(monitor, command, args, JOB_MILLIS);
    } catch (IOException e) {
      throw new IOException("QEMU: " + e.getMessage(), e);
    }
  }

  // ---- a VM that is off: qemu-img -----------------------------------------------------------

  Snapshot take(String tag, String description) throws IOException {
    requireNew(tag);
    for (String d : spec.disks()) {
      qemuImg("snapshot", "-c", tag, d);
    }
    describe(tag, description == null ? "" : description);
    return find(tag);
  }

  /**
   * The disks go back; a snapshot with memory is loaded by the next start, and a saved state, which
   * would not fit the disks any more, goes.
   */
  void revert(String tag, QemuSavedState saved) throws IOException {
    Snapshot s = find(tag);
    for (String d : spec.disks()) {
      qemuImg("snapshot", "-a", tag, d);
    }
    Files.deleteIfExists(saved.file());
    if (s.withMemory()) {
      PrivateFiles.directory(loadAtStart().getParent());
      AtomicFiles.write(loadAtStart(), tag.getBytes(StandardCharsets.UTF_8));
    } else {
      Files.deleteIfExists(loadAtStart());
    }
  }

  void delete(String tag) throws IOException {
    find(tag);
    for (String d : spec.disks()) {
      qemuImg("snapshot", "-d", tag, d);
    }
    Files.deleteIfExists(meta(tag));
  }

  /** Runs qemu-img to its end; its output, or its own last line as the failure. */
  private static String qemuImg(String... args) throws IOException {
    Path exe =
        Executables.onPath("qemu-img")
            .orElseThrow(() -> new IOException("install qemu-utils for QEMU snapshots (qemu-img)"));
    List<String> cmd = new ArrayList<>(List.of(exe.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("qemu-img " + args[0] + " did not finish in 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while qemu-img ran", e);
    }
    if (p.exitValue() != 0) {
      String[] lines = out.strip().split("\n");
      throw new IOException(lines[lines.length - 1]);
    }
    return out;
  }
}
