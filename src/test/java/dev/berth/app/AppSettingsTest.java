package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.VmAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** settings.json: private when saved, and a FIFO planted in its place cannot hang the start. */
class AppSettingsTest {
  @TempDir Path tmp;

  @Test
  void savedPrivatelyAndReadBack() throws Exception {
    Path config = tmp.resolve("berth");
    AppSettings.load(config).setConfirms(VmAction.KILL, false);
    AppSettings.load(config).setPowerButtonTimeout(12);
    AppSettings.load(config).setTheme(AppSettings.Theme.DARK);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(config.resolve("settings.json"))));
    AppSettings back = AppSettings.load(config);
    assertFalse(back.confirms(VmAction.KILL));
    assertTrue(back.confirms(VmAction.QUIT));
    assertFalse(back.confirms(VmAction.START), "Start never asks");
    assertEquals(12, back.powerButtonTimeout());
    assertEquals(AppSettings.Theme.DARK, back.theme());
  }

  @Test
  void theOldConfirmQuitIsKept() throws Exception {
    Path config = Files.createDirectory(tmp.resolve("berth"));
    Files.writeString(config.resolve("settings.json"), "{\"confirmQuit\": false}");
    assertFalse(AppSettings.load(config).confirms(VmAction.QUIT));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoMeansTheDefaults() throws Exception {
    Path config = Files.createDirectory(tmp.resolve("berth"));
    Path fifo = config.resolve("settings.json");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertTrue(AppSettings.load(config).confirms(VmAction.QUIT));
  }
}
