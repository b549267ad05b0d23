package dev.berth.backend.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.core.machine.Machine;
import dev.berth.qmp.Version;
import dev.berth.vm.AtomicFiles;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.FileTrees;
import dev.berth.vm.PrivateFiles;
import dev.berth.vm.Snapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A bundled VM's snapshots: one private directory each under {@code <state>/snapshots/<vm>/<tag>/},
 * holding the machine's state (if it ran, or had a saved state), a copy of every disk, a thumbnail
 * of the display and {@code meta.json}. Disks are copied whole, skipping all-zero blocks (so a
 * mostly empty disk costs little), while the guest is stopped: the copy is exactly the disk the
 * saved memory knows. A snapshot is made in a hidden directory and renamed into place, so a crash
 * leaves a whole snapshot or none.
 */
final class BundledSnapshots {
  private static final System.Logger LOG = System.getLogger(BundledSnapshots.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATE = "machine.berth-state";
  private static final String META = "meta.json";
  private static final String THUMBNAIL = "thumbnail.png";
  private static final int BLOCK = 1 << 20;

  private final Path dir;
  private final String vm;
  private final BerthDirs dirs;

  BundledSnapshots(BerthDirs dirs, String vm) {
    this.dirs = dirs;
    this.vm = vm;
    this.dir = directory(dirs, vm);
  }

  /** Where {@code vm}'s snapshots are, one directory each. */
  static Path directory(BerthDirs dirs, String vm) {
    return Snapshot.directory(dirs, vm);
  }

  List<Snapshot> list() throws IOException {
    List<Snapshot> all = new ArrayList<>();
    if (!PrivateFiles.existingDirectory(dir)) {
      return all;
    }
    try (var entries = Files.list(dir)) {
      for (Path p : entries.sorted().toList()) {
        String tag = p.getFileName().toString();
        if (tag.startsWith(".") || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue; // one being made, or not ours
        }
        try {
          all.add(read(p));
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "snapshot " + p + " is unreadable", e);
        }
      }
    }
    all.sort(Comparator.comparingLong(Snapshot::createdMillis));
    return all;
  }

  private static Snapshot read(Path p) throws IOException {
    JsonNode meta = JSON.readTree(Files.readAllBytes(p.resolve(META)));
    long bytes = 0;
    try (var files = Files.list(p)) {
      for (Path f : files.toList()) {
        bytes += Files.size(f);
      }
    }
    Path thumb = p.resolve(THUMBNAIL);
    return new Snapshot(
        meta.path("tag").asText(p.getFileName().toString()),
        meta.path("description").asText(""),
        meta.path("created").asLong(),
        Files.isRegularFile(p.resolve(STATE)),
        bytes,
        Files.isRegularFile(thumb) ? thumb : null);
  }

  private Path existing(String tag) throws IOException {
    Snapshot.requireTag(tag);
    Path p = dir.resolve(tag);
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(vm + " has no snapshot named " + tag);
    }
    return p;
  }

  /** A new snapshot's hidden directory, made private; fails if the tag is taken or not a name. */
  private Path begin(String tag) throws IOException {
    Snapshot.requireTag(tag);
    PrivateFiles.directory(dirs.state());
    PrivateFiles.directory(dir.getParent());
    PrivateFiles.directory(dir);
    if (Files.exists(dir.resolve(tag), LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(vm + " already has a snapshot named " + tag);
    }
    Path partial = dir.resolve("." + tag + ".partial");
    if (Files.exists(partial, LinkOption.NOFOLLOW_LINKS)) {
      FileTrees.delete(partial); // a crash's leftover
    }
    return PrivateFiles.directory(partial);
  }

  private Snapshot finish(Path partial, String tag, String description) throws IOException {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("tag", tag).put("description", description == null ? "" : description);
    meta.put("created", System.currentTimeMillis()).put("berth", Version.current());
    AtomicFiles.write(partial.resolve(META), JSON.writeValueAsBytes(meta));
    Path done = dir.resolve(tag);
    Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(dir);
    return read(done);
  }

  /** Of a running machine: its state and its disks while it is stopped, then a thumbnail. */
  CompletableFuture<Snapshot> take(Machine machine, String tag, String description) {
    Path partial;
    try {
      partial = begin(tag);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<Path> disks = writableDisks(machine);
    return machine
        .snapshot(partial.resolve(STATE), Version.current(), () -> copyDisks(disks, partial))
        .thenApplyAsync( // off the worker: the guest runs on meanwhile
            size -> {
              try {
                thumbnail(machine.framebuffer(), partial.resolve(THUMBNAIL));
                return finish(partial, tag, description);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                quietlyDelete(partial);
              }
            });
  }

  /** Of a VM that is off: its disks, and its saved state as the snapshot's machine state. */
  Snapshot take(List<Path> disks, Path savedState, String tag, String description)
      throws IOException {
    Path partial = begin(tag);
    try {
      copyDisks(disks, partial);
      if (savedState != null) {
        sparseCopy(savedState, partial.resolve(STATE));
      }
      return finish(partial, tag, description);
    } catch (IOException | RuntimeException e) {
      quietlyDelete(partial);
      throw e;
    }
  }

  /** A running machine goes back to {@code tag}: its state, then its disks written in place. */
  CompletableFuture<Void> revert(Machine machine, String tag) {
    Path p;
    List<Path> disks = writableDisks(machine);
    try {
      p = existing(tag);
      if (!Files.isRegularFile(p.resolve(STATE))) {
        throw new IOException(
            "snapshot "
                + tag
                + " holds no machine state: shut "
                + vm
                + " down to revert its disks");
      }
      requireDisks(p, disks.size());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return machine
        .revert(
            p.resolve(STATE),
            Version.current(),
            () -> {
              for (int i = 0; i < disks.size(); i++) {
                copyInto(p.resolve(diskName(i)), disks.get(i));
              }
            })
        .thenApply(x -> null);
  }

  /**
   * A VM that is off goes back to {@code tag}: its disks are replaced, and its saved state becomes
   * the snapshot's machine state, or goes if the snapshot has none (it would not fit the disks).
   */
  void revert(List<Path> disks, dev.berth.vm.SavedState saved, String tag) throws IOException {
    Path p = existing(tag);
    requireDisks(p, disks.size());
    for (int i = 0; i < disks.size(); i++) {
      Path tmp = disks.get(i).resolveSibling("." + disks.get(i).getFileName() + ".revert");
      sparseCopy(p.resolve(diskName(i)), tmp);
      Files.move(
          tmp, disks.get(i), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    Path state = p.resolve(STATE);
    if (Files.isRegularFile(state)) {
      Path target = saved.prepare();
      Path tmp = target.resolveSibling(target.getFileName() + ".revert");
      sparseCopy(state, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.deleteIfExists(saved.file());
    }
  }

  void delete(String tag) throws IOException {
    FileTrees.delete(existing(tag));
  }

  private static void requireDisks(Path snapshot, int disks) throws IOException {
    for (int i = 0; i < disks; i++) {
      if (!Files.isRegularFile(snapshot.resolve(diskName(i)))) {
        throw new IOException(
            "snapshot " + snapshot.getFileName() + " does not have the VM's " + disks + " disk(s)");
      }
    }
    if (Files.isRegularFile(snapshot.resolve(diskName(disks)))) {
      throw new IOException("snapshot " + snapshot.getFileName() + " has more disks than the VM");
    }
  }

  private static List<Path> writableDisks(Machine machine) {
    return machine.config().drives().stream()
        .filter(d -> !d.readOnly())
        .map(dev.berth.core.machine.MachineConfig.Drive::image)
        .toList();
  }

  private static String diskName(int i) {
    return "disk-" + i + ".img";
  }

  private static void copyDisks(List<Path> disks, Path into) throws IOException {
    for (int i = 0; i < disks.size(); i++) {
      sparseCopy(disks.get(i), into.resolve(diskName(i)));
    }
  }

  /** Copies {@code from} to a new 0600 file, leaving holes where a block is all zeros. */
  static void sparseCopy(Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                to,
                java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PrivateFiles.fileMode(to))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
      long size = in.size();
      for (long pos = 0; pos < size; ) {
        buf.clear();
        int n = in.read(buf, pos);
        if (n <= 0) {
          break;
        }
        buf.flip();
        if (!isZero(buf)) {
          while (buf.hasRemaining()) {
            out.write(buf, pos + buf.position());
          }
        }
        pos += n;
      }
      out.truncate(size);
      if (out.size() < size) {
        try (RandomAccessFile f = new RandomAccessFile(to.toFile(), "rw")) {
          f.setLength(size); // a hole to the end
        }
      }
      out.force(true);
    }
  }

  /** Writes {@code from} over the disk {@code into} in place (the machine keeps it open). */
  private static void copyInto(Path from, Path into) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(into, StandardOpenOption.WRITE)) {
      long size = in.size();
      for (long pos = 0; pos < size; ) {
        pos += in.transferTo(pos, size - pos, out.position(pos));
      }
      out.truncate(size);
      out.force(true);
    }
  }

  private static boolean isZero(ByteBuffer b) {
    int i = b.position();
    int end = b.limit();
    for (; i + 8 <= end; i += 8) {
      if (b.getLong(i) != 0) {
        return false;
      }
    }
    for (; i < end; i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The display at a quarter of its size, for the snapshot list. */
  private static void thumbnail(SimpleFramebuffer fb, Path to) throws IOException {
    int w = SimpleFramebuffer.WIDTH / 4;
    int h = SimpleFramebuffer.HEIGHT / 4;
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    int[] px = fb.pixels();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, px[(y * 4) * SimpleFramebuffer.WIDTH + x * 4] & 0xffffff);
      }
    }
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", png);
    AtomicFiles.write(to, png.toByteArray());
  }

  private static void quietlyDelete(Path p) {
    try {
      FileTrees.delete(p);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove " + p, e);
    }
  }
}
