package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BerthDirsTest {
  @TempDir Path tmp;

  @Test
  void xdgVariablesAreUsedWhenAbsolute() {
    Path home = tmp.resolve("home");
    BerthDirs dirs =
        new BerthDirs(
            Map.of(
                "XDG_CONFIG_HOME", tmp.resolve("cfg").toString(),
                "XDG_STATE_HOME", tmp.resolve("st").toString(),
                "XDG_RUNTIME_DIR", tmp.resolve("run").toString()),
            home);

    assertEquals(tmp.resolve("cfg/berth"), dirs.config());
    assertEquals(tmp.resolve("st/berth"), dirs.state());
    assertEquals(tmp.resolve("run/berth"), dirs.runtime());
  }

  @Test
  void fallsBackToHomeAndTmpWhenUnset() {
    Path home = tmp.resolve("home");
    BerthDirs dirs = new BerthDirs(Map.of("USER", "alice"), home);

    assertEquals(home.resolve(".config/berth"), dirs.config());
    assertEquals(home.resolve(".local/state/berth"), dirs.state());
    assertEquals(Path.of("/tmp/berth-alice"), dirs.runtime());
  }

  @Test
  void runtimeFallbackUsesTmpdirAndLognameWhenUserIsMissing() {
    BerthDirs dirs =
        new BerthDirs(Map.of("TMPDIR", tmp.toString(), "LOGNAME", "bob"), tmp.resolve("home"));

    assertEquals(tmp.resolve("berth-bob"), dirs.runtime());
  }

  @Test
  void emptyAndRelativeValuesAreIgnored() {
    Path home = tmp.resolve("home");
    BerthDirs dirs =
        new BerthDirs(
            Map.of(
                "XDG_CONFIG_HOME", "",
                "XDG_STATE_HOME", "relative/state",
                "XDG_RUNTIME_DIR", "run",
                "TMPDIR", "",
                "USER", "carol"),
            home);

    assertEquals(home.resolve(".config/berth"), dirs.config());
    assertEquals(home.resolve(".local/state/berth"), dirs.state());
    assertEquals(Path.of("/tmp/berth-carol"), dirs.runtime());
  }

  @Test
  void userNameIsMadeSafeForAPath() {
    BerthDirs dirs =
        new BerthDirs(Map.of("TMPDIR", tmp.toString(), "USER", "../evil"), tmp.resolve("home"));

    assertEquals(tmp, dirs.runtime().getParent());
    assertFalse(dirs.runtime().getFileName().toString().contains("/"));
  }

  @Test
  void createRuntimeMakesAnOwnerOnlyDirectory() throws IOException {
    BerthDirs dirs = new BerthDirs(Map.of("TMPDIR", tmp.toString(), "USER", "dave"), tmp);

    Path runtime = dirs.createRuntime();

    assertTrue(Files.isDirectory(runtime));
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));
    assertEquals(runtime, dirs.createRuntime(), "a second call accepts the existing directory");
  }

  @Test
  void createRuntimeTightensAnExistingDirectoryOfOurs() throws IOException {
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", tmp.toString()), tmp);
    Files.createDirectory(dirs.runtime());
    Files.setPosixFilePermissions(dirs.runtime(), PosixFilePermissions.fromString("rwxr-xr-x"));

    dirs.createRuntime();

    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.runtime())));
  }

  @Test
  void createRuntimeRefusesASymbolicLink() throws IOException {
    BerthDirs dirs = new BerthDirs(Map.of("TMPDIR", tmp.toString(), "USER", "erin"), tmp);
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(dirs.runtime(), elsewhere);

    assertThrows(IOException.class, dirs::createRuntime);
  }

  @Test
  void createRuntimeRefusesADirectoryOwnedBySomeoneElse() throws IOException {
    BerthDirs dirs = new BerthDirs(Map.of("TMPDIR", tmp.toString(), "USER", "frank"), tmp);
    Path runtime = Files.createDirectory(dirs.runtime());
    UserPrincipal nobody;
    try {
      nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(runtime, nobody);
    } catch (IOException e) {
      nobody = null;
    }
    assumeTrue(
        nobody != null && nobody.equals(Files.getOwner(runtime, LinkOption.NOFOLLOW_LINKS)),
        "needs the right to give a directory away (root)");

    assertThrows(IOException.class, dirs::createRuntime);
  }
}
