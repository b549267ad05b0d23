package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One lock per VM: held means held, and asking whether it is never makes a start fail. */
class VmLockTest {
  @TempDir Path home;

  private BerthDirs dirs() throws IOException {
    Path run = Files.createDirectories(home.resolve("run"));
    return new BerthDirs(Map.of("XDG_RUNTIME_DIR", run.toString()), home);
  }

  @Test
  void aHeldLockRefusesASecondStart() throws Exception {
    BerthDirs dirs = dirs();
    VmLock held = VmLock.acquire(dirs, "demo");
    try {
      assertTrue(VmLock.isHeld(dirs, "demo"));
      IOException e = assertThrows(IOException.class, () -> VmLock.acquire(dirs, "demo"));
      assertEquals("demo is already running (started by this Berth)", e.getMessage());
    } finally {
      held.close();
    }
    assertFalse(VmLock.isHeld(dirs, "demo"));
  }

  /** A thread asking over and over (as status and the app do) while starts take the lock. */
  @Test
  void askingWhetherItIsHeldNeverFailsAStart() throws Exception {
    BerthDirs dirs = dirs();
    AtomicBoolean stop = new AtomicBoolean();
    Thread asker =
        new Thread(
            () -> {
              while (!stop.get()) {
                VmLock.isHeld(dirs, "demo");
              }
            });
    asker.start();
    try {
      for (int i = 0; i < 300; i++) {
        VmLock.acquire(dirs, "demo").close();
      }
    } finally {
      stop.set(true);
      asker.join();
    }
  }
}
