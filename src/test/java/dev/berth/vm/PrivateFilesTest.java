package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every level Berth creates or opens — the runtime directory and each VM's, config {@code vms/},
 * state {@code history/} — refuses a symbolic link and another user's directory, and what Berth
 * creates there is private.
 */
class PrivateFilesTest {
  @TempDir Path tmp;

  private BerthDirs dirs() {
    return new BerthDirs(
        Map.of(
            "XDG_CONFIG_HOME", tmp.resolve("config").toString(),
            "XDG_STATE_HOME", tmp.resolve("state").toString(),
            "XDG_RUNTIME_DIR", tmp.resolve("run").toString()),
        tmp);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /** A directory that belongs to "nobody", mode 0755, as another local user would leave it. */
  private Path othersDirectory(String name) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(name));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      UserPrincipal nobody =
          tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(dir, nobody);
    } catch (IOException e) {
      // checked below
    }
    assumeTrue(
        !Files.getOwner(dir).equals(Files.getOwner(tmp)),
        "needs the right to give a directory away (root)");
    return dir;
  }

  /** Makes {@code link} (and its parents) point to another user's directory, returned. */
  private Path linkToOthersDirectory(Path link) throws IOException {
    Path target = othersDirectory("theirs");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, target);
    return target;
  }

  @Test
  void aVmRuntimeDirectoryThatIsALinkIsRefusedAndItsTargetLeftAlone() throws IOException {
    BerthDirs dirs = dirs();
    Path target = othersDirectory("theirs");
    Files.createSymbolicLink(dirs.createRuntime().resolve("demo"), target);

    IOException e = assertThrows(IOException.class, () -> VmSockets.vmDir(dirs, "demo"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals("rwxr-xr-x", mode(target), "the target was not chmodded");
  }

  @Test
  void aVmRuntimeDirectoryOfAnotherUserIsRefused() throws IOException {
    BerthDirs dirs = dirs();
    Path theirs = othersDirectory("theirs");
    Files.move(theirs, dirs.createRuntime().resolve("demo"));

    IOException e = assertThrows(IOException.class, () -> VmSockets.vmDir(dirs, "demo"));
    assertTrue(e.getMessage().contains("belongs to"), e.getMessage());
    assertEquals("rwxr-xr-x", mode(dirs.runtime().resolve("demo")));
  }

  @Test
  void aVmNameCannotLeaveTheRuntimeDirectory() {
    assertThrows(IllegalArgumentException.class, () -> VmSockets.qmp(dirs(), "../../x"));
    assertThrows(IllegalArgumentException.class, () -> VmSockets.vmDir(dirs(), ".."));
  }

  @Test
  void theConfigDirectoriesAreRefusedAsLinks() throws IOException {
    BerthDirs dirs = dirs();
    Path target = linkToOthersDirectory(dirs.config().resolve("vms"));
    VmStore store = new VmStore(dirs.config());

    IOException e = assertThrows(IOException.class, () -> store.save(VmSpec.defaultDemo()));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertThrows(IOException.class, store::load);
    Files.writeString(target.resolve("demo.json"), VmSpec.defaultDemo().toJson());
    assertThrows(IOException.class, () -> store.delete("demo"));
    assertEquals(1, target.toFile().list().length, "nothing written or deleted through the link");
  }

  @Test
  void specsAndTheirDirectoriesArePrivate() throws IOException {
    BerthDirs dirs = dirs();
    VmStore store = new VmStore(dirs.config());
    assertTrue(store.ensureFirstRunDefaults());
    store.save(VmSpec.of("other", VmSpec.Backend.BUNDLED, "bundled:demo"));
    assertEquals("rwx------", mode(dirs.config()));
    assertEquals("rwx------", mode(store.directory()));
    assertEquals("rw-------", mode(store.directory().resolve("other.json")));
    assertEquals("rw-------", mode(store.directory().resolve("demo.json")));
  }

  @Test
  void aSpecFileThatIsALinkIsNotRead() throws IOException {
    BerthDirs dirs = dirs();
    VmStore store = new VmStore(dirs.config());
    store.save(VmSpec.defaultDemo());
    Path elsewhere = tmp.resolve("elsewhere.json");
    Files.writeString(elsewhere, VmSpec.of("x", VmSpec.Backend.BUNDLED, "bundled:demo").toJson());
    Files.createSymbolicLink(store.directory().resolve("x.json"), elsewhere);

    VmStore.LoadResult r = store.load();
    assertEquals(1, r.specs().size());
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).reason().contains("symbolic link"), r.problems().toString());
  }

  @Test
  void historyIsPrivateAndRefusesLinks() throws IOException {
    BerthDirs dirs = dirs();
    RunHistory history = new RunHistory(dirs.state());
    history.startRun("demo").close();
    assertEquals("rwx------", mode(dirs.state()));
    assertEquals("rwx------", mode(dirs.state().resolve("history")));
    assertEquals("rw-------", mode(history.file("demo")));

    Path victim = tmp.resolve("victim");
    Files.writeString(victim, "precious\n");
    Files.createSymbolicLink(history.file("other"), victim);
    IOException e = assertThrows(IOException.class, () -> history.startRun("other"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals("precious\n", Files.readString(victim, StandardCharsets.UTF_8));
  }

  @Test
  void aHistoryDirectoryThatIsALinkIsRefused() throws IOException {
    BerthDirs dirs = dirs();
    Path target = linkToOthersDirectory(dirs.state().resolve("history"));

    RunHistory history = new RunHistory(dirs.state());
    Files.writeString(target.resolve("demo.jsonl"), "{\"run\":7,\"t\":1,\"type\":\"start\"}\n");
    assertThrows(IOException.class, () -> history.startRun("demo"));
    assertTrue(history.runs("demo").isEmpty(), "not read through the link");
    assertThrows(IOException.class, () -> history.delete("demo"));
    assertEquals(1, target.toFile().list().length, "nothing written or deleted there");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHistoryFileThatIsAFifoReadsAsNoHistory() throws Exception {
    BerthDirs dirs = dirs();
    RunHistory history = new RunHistory(dirs.state());
    history.startRun("demo").close();
    Path fifo = history.file("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

    assertTrue(history.runs("fifo").isEmpty());
    assertThrows(IOException.class, () -> history.startRun("fifo"));
    assertFalse(history.runs("demo").isEmpty());
  }
}
