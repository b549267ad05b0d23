package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.core.Guests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or careless user types, and hostile files on disk, against the real {@code berth}
 * process: each gives one readable line on stderr and a non-zero status — never a stack trace, a
 * page of usage, a timestamped log line or a hang.
 */
class HostileInputTest {
  @TempDir Path home;

  private record Result(int status, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  private Result berth(String... args) throws Exception {
    return berthVia(List.of(), args);
  }

  /** Runs berth as the last arguments of {@code wrapper} (a shell that prepares its world). */
  private Result berthVia(List<String> wrapper, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.berth.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("XDG_"));
    pb.environment().put("HOME", home.toString());
    pb.environment().put("TMPDIR", home.toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "berth " + String.join(" ", args) + " hung");
      return new Result(
          p.exitValue(),
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  /** Fails unless berth said exactly one line (plus a "try --help" hint if allowed) and failed. */
  private Result refused(String... args) throws Exception {
    return refused(berth(args), args);
  }

  private static Result refused(Result r, String... args) {
    String what = "berth " + String.join(" ", args) + ": " + r.err();
    assertNotEquals(0, r.status(), what);
    List<String> lines = r.errLines();
    assertFalse(lines.isEmpty(), what);
    assertTrue(lines.get(0).startsWith("berth: "), what);
    boolean hint = lines.size() == 2 && lines.get(1).startsWith("try 'berth");
    assertTrue(lines.size() == 1 || hint, what);
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what);
    return r;
  }

  @Test
  void namesThatAreNotVmNames() throws Exception {
    assertTrue(refused("delete", "../../etc/passwd").err().contains("invalid VM name"));
    refused("delete", "");
    refused("events", "../x");
    refused("status", "../../x");
  }

  @Test
  void imagesThatAreDevicesFifosOrDamaged() throws Exception {
    String elf = Guests.elf("hello").toString();
    assertTrue(refused("run", "--kernel", "/dev/zero").err().contains("not a regular file"));
    refused("run", "--kernel", elf, "--initrd", "/dev/zero");
    Path fifo = home.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    refused("run", "--kernel", fifo.toString());
    byte[] crafted = Files.readAllBytes(Guests.elf("hello"));
    java.nio.ByteBuffer.wrap(crafted)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(32, Long.MAX_VALUE - 8);
    Path bad = Files.write(home.resolve("bad.elf"), crafted);
    assertTrue(refused("run", "--kernel", bad.toString()).err().contains("damaged"));
    assertTrue(
        refused("run", "--kernel", elf, "--drive", "/dev/zero").err().contains("regular file"));
  }

  @Test
  void optionsThatAreWrong() throws Exception {
    assertTrue(refused("create", "x", "--memory", "abc").err().contains("--memory"));
    assertTrue(refused("create", "-rf").err().contains("-rf"));
    assertTrue(refused("run").err().contains("--kernel"));
    assertTrue(refused("create", "x", "--backend", "qemu", "--cpus", "-5").err().contains("cpus"));
    Path empty = Files.createFile(home.resolve("empty.img"));
    Path odd = Files.write(home.resolve("odd.img"), new byte[1000]);
    for (String disk : new String[] {"/dev/null", "/dev/zero", empty.toString(), odd.toString()}) {
      assertTrue(refused("create", "d", "--disk", disk).err().contains("Disk 1"), disk);
    }
    assertFalse(berth("list").out().contains("\nd "), "nothing was created");
  }

  @Test
  void aHistoryFileThatIsAFifoDoesNotHangList() throws Exception {
    assertEquals(0, berth("list").status());
    Path history = home.resolve(".local/state/berth/history");
    Files.createDirectories(history);
    assertEquals(
        0,
        new ProcessBuilder("mkfifo", history.resolve("demo.jsonl").toString()).start().waitFor());
    Result r = berth("list");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("demo"), r.out());
    assertTrue(r.errLines().size() <= 1, r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains(" AM ") || r.err().contains(" PM "));
  }

  @Test
  void aCorruptSpecIsOneWarningNotALogWithATrace() throws Exception {
    assertEquals(0, berth("list").status());
    Files.writeString(home.resolve(".config/berth/vms/demo.json"), "{ not json");
    Result r = berth("list");
    assertEquals(0, r.status(), r.err());
    for (String line : r.errLines()) {
      assertTrue(line.startsWith("berth: "), r.err());
    }
    assertFalse(r.err().contains("\tat ") || r.err().contains("dev.berth."), r.err());
  }

  /** Makes {@code dir} unwritable, even for root (an immutable directory), until restored. */
  private interface Restore {
    void run() throws Exception;
  }

  private static Restore readOnly(Path dir) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      int status = new ProcessBuilder("chattr", "+i", dir.toString()).start().waitFor();
      assumeTrue(status == 0, "chattr +i works here");
      return () -> new ProcessBuilder("chattr", "-i", dir.toString()).start().waitFor();
    }
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
    return () ->
        Files.setPosixFilePermissions(
            dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aReadOnlyConfigDirectory() throws Exception {
    Path config = Files.createDirectories(home.resolve(".config/berth"));
    Restore restore = readOnly(config);
    try {
      refused("list"); // the first run cannot create vms/
    } finally {
      restore.run();
    }
    assertEquals(0, berth("list").status());
    Path vms = config.resolve("vms");
    restore = readOnly(vms);
    try {
      refused("create", "x");
      refused("edit", "demo", "--memory", "64");
      refused("delete", "demo");
    } finally {
      restore.run();
    }
    assertTrue(berth("list").out().contains("demo"), "nothing changed");
  }

  @Test
  void aFullConfigDirectory() throws Exception {
    Path config = Files.createDirectories(home.resolve(".config"));
    // A private mount namespace with a 64 KiB tmpfs on ~/.config: the first list makes the
    // defaults, a file fills the rest, then create has no room.
    String script =
        "mount -t tmpfs -o size=64k tmpfs \"$CFG\" || exit 99\n"
            + "\"$@\" list >/dev/null 2>&1 || exit 98\n"
            + "head -c 1M /dev/zero > \"$CFG/fill\" 2>/dev/null\n"
            + "exec \"$@\" create x\n";
    List<String> wrapper =
        List.of("env", "CFG=" + config, "unshare", "-m", "sh", "-c", script, "sh");
    Result r = berthVia(wrapper);
    assumeTrue(r.status() != 99, "needs a private mount namespace (unshare -m, root)");
    assertNotEquals(98, r.status(), r.err());
    assertTrue(refused(r, "create", "x").err().contains("No space left"), r.err());
  }

  @Test
  void detailsOnlyWithVerboseOrInTheLogFile() throws Exception {
    assertEquals(0, berth("list").status());
    Files.writeString(home.resolve(".config/berth/vms/demo.json"), "{ not json");
    Result verbose = berth("list", "--verbose");
    assertTrue(verbose.err().contains("dev.berth.vm.VmStore"), verbose.err());
    Files.writeString(home.resolve(".config/berth/vms/linux.json"), "{ not json");
    Path log = home.resolve("berth.log");
    Result quiet = berth("--log", log.toString(), "list");
    assertFalse(quiet.err().contains("dev.berth."), quiet.err());
    assertTrue(Files.readString(log).contains("dev.berth.vm.VmStore"));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
  }
}
