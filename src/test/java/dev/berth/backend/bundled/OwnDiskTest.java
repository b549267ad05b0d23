package dev.berth.backend.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.boot.ImageException;
import dev.berth.vm.BerthDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux guest's own data disk: private from the start, never made through a link. */
class OwnDiskTest {
  private static final String BLANK = "/guests/linux/data.img.gz";
  @TempDir Path tmp;

  private BerthDirs dirs() {
    return new BerthDirs(Map.of("XDG_STATE_HOME", tmp.resolve("state").toString()), tmp);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void theDataDiskAndItsDirectoryArePrivate() throws Exception {
    BerthDirs dirs = dirs();
    Path disk = BundledMachines.ownDisk("linux", BLANK, dirs);
    assertEquals("rw-------", mode(disk));
    assertEquals("rwx------", mode(disk.getParent()));
    assertEquals("rwx------", mode(dirs.state()));
    assertTrue(Files.size(disk) > 0 && Files.size(disk) % 512 == 0);
    assertEquals(disk, BundledMachines.ownDisk("linux", BLANK, dirs), "made once");
  }

  @Test
  void aDiskThatIsALinkIsRefused() throws Exception {
    BerthDirs dirs = dirs();
    Path victim = Files.writeString(tmp.resolve("victim"), "precious");
    Files.createDirectories(dirs.state().resolve("disks"));
    Files.createSymbolicLink(dirs.state().resolve("disks/linux.img"), victim);

    ImageException e =
        assertThrows(ImageException.class, () -> BundledMachines.ownDisk("linux", BLANK, dirs));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals("precious", Files.readString(victim));
  }
}
