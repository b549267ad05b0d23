package dev.berth.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file around the parts: what a kill or a damaged file leaves, with a stand-in part. */
class StateFileTest {
  @TempDir Path dir;

  /** A part with one page of memory per value, so a save has many points to stop at. */
  private static final class Pages implements Saveable {
    final byte[] ram = new byte[64 * 4096];

    Pages(int seed) {
      for (int i = 0; i < ram.length; i += 64) {
        ram[i] = (byte) (seed + i / 4096 + 1);
      }
    }

    @Override
    public void save(StateOut out) {
      out.begin("pages").memory(ram);
    }

    @Override
    public void restore(StateIn in) throws StateException {
      in.begin("pages").memory(ram);
    }
  }

  @Test
  void whatIsWrittenIsReadBack() throws IOException {
    Path file = dir.resolve("m.berth-state");
    Pages saved = new Pages(7);
    StateFile.write(file, "v", "m", saved, () -> false);
    Pages loaded = new Pages(0);
    StateFile.read(file, "v", "m", loaded);
    assertArrayEquals(saved.ram, loaded.ram);
  }

  /** Killed halfway through the pages: the save fails, the earlier file stays, no temp is left. */
  @Test
  void anAbandonedSaveLeavesThePreviousFile() throws IOException {
    Path file = dir.resolve("m.berth-state");
    StateFile.write(file, "v", "m", new Pages(1), () -> false);
    byte[] before = Files.readAllBytes(file);
    AtomicInteger checks = new AtomicInteger();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                StateFile.write(file, "v", "m", new Pages(2), () -> checks.incrementAndGet() > 30));
    assertEquals("the machine was killed while its state was written", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
    assertFalse(Files.exists(StateFile.temp(file)));
    Pages loaded = new Pages(0);
    StateFile.read(file, "v", "m", loaded);
    assertArrayEquals(new Pages(1).ram, loaded.ram);
  }

  /** A temp file a killed process left behind is not a state, and the next save replaces it. */
  @Test
  void aLeftoverTempFileIsReplaced() throws IOException {
    Path file = dir.resolve("m.berth-state");
    Files.writeString(StateFile.temp(file), "half a save");
    StateFile.write(file, "v", "m", new Pages(3), () -> false);
    assertFalse(Files.exists(StateFile.temp(file)));
    StateFile.read(file, "v", "m", new Pages(0));
  }

  /** A part that reads more than was written runs into the end marker, not past the file. */
  @Test
  void partsOutOfTurnAreRefused() throws IOException {
    Path file = dir.resolve("m.berth-state");
    StateFile.write(file, "v", "m", new Pages(4), () -> false);
    Saveable other =
        new Saveable() {
          @Override
          public void save(StateOut out) {}

          @Override
          public void restore(StateIn in) throws StateException {
            in.begin("uart");
          }
        };
    StateException e =
        assertThrows(StateException.class, () -> StateFile.read(file, "v", "m", other));
    assertEquals(
        "the saved state does not fit this machine (found pages where uart was)", e.getMessage());
  }

  /** A long save says how far it has come, from 0 towards 1, in order. */
  @Test
  void progressGoesUpAsMemoryIsWritten() throws IOException {
    Saveable big =
        new Saveable() {
          final byte[] ram = new byte[16 << 20];

          {
            java.util.Arrays.fill(ram, (byte) 1);
          }

          @Override
          public void save(StateOut out) {
            out.begin("ram").memory(ram);
          }

          @Override
          public void restore(StateIn in) throws StateException {
            in.begin("ram").memory(ram);
          }
        };
    java.util.List<Double> seen = new java.util.ArrayList<>();
    StateFile.write(dir.resolve("big"), "v", "m", big, () -> false, seen::add);
    assertEquals(16, seen.size(), "once a MiB: " + seen);
    assertEquals(0.0, seen.get(0));
    assertEquals(15.0 / 16, seen.get(15));
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "" + seen);
    }
  }
}
