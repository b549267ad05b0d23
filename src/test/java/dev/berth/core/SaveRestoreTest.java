package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.boot.ImageException;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateFile;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bare guest saved in the middle of a long computation and restored into a new machine ends
 * exactly as an uninterrupted run: the same console output, exit status and minstret.
 */
class SaveRestoreTest {
  private static final String VERSION = "test-1";

  @TempDir Path dir;

  private static Machine machine(String program, boolean translate, long memory) {
    try {
      return new Machine(
          new MachineConfig(program, memory, Guests.image(program), null, "", null), translate);
    } catch (ImageException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private record Outcome(String console, MachineExit exit, long instret) {}

  private static Outcome uninterrupted(String program, boolean translate) {
    try (GuestRun run = new GuestRun(machine(program, translate, MachineConfig.DEFAULT_MEMORY))) {
      run.machine.start();
      MachineExit exit = run.withTimeout(Duration.ofSeconds(60)).awaitExit();
      return new Outcome(run.console(), exit, run.machine.instructionsRetired());
    }
  }

  /** Saved once {@code program} has printed {@code mark} and retired {@code after} more. */
  private Outcome savedAndRestored(String program, boolean translate, String mark, long after)
      throws Exception {
    Path file = dir.resolve(program + ".berth-state");
    String before;
    long savedAt;
    try (GuestRun first = new GuestRun(machine(program, translate, MachineConfig.DEFAULT_MEMORY))) {
      first.withTimeout(Duration.ofSeconds(60));
      first.machine.start();
      first.awaitConsole(mark);
      long target = first.machine.instructionsRetired() + after;
      first.await(() -> first.machine.instructionsRetired() >= target, "instret " + target);
      long size = first.machine.saveState(file, VERSION).get(30, TimeUnit.SECONDS);
      MachineExit end = first.awaitExit();
      assertEquals(MachineExit.Kind.SAVED, end.kind(), end.toString());
      assertTrue(end.detail().contains(file.getFileName().toString()), end.detail());
      assertEquals(size, Files.size(file));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertEquals(MachineEvent.STOP, first.eventNames().get(first.eventNames().size() - 1));
      assertFalse(Files.exists(StateFile.temp(file)), "no temp file is left");
      before = first.console();
      savedAt = first.machine.instructionsRetired();
    }
    Machine restored = machine(program, translate, MachineConfig.DEFAULT_MEMORY);
    restored.restore(file, VERSION);
    assertTrue(restored.isRestored());
    assertEquals(savedAt, restored.instructionsRetired(), "instret goes on from the save");
    try (GuestRun second = new GuestRun(restored)) {
      second.withTimeout(Duration.ofSeconds(60));
      restored.start();
      MachineExit exit = second.awaitExit();
      assertFalse(second.console().contains(mark), "the restored run does not boot again");
      return new Outcome(before + second.console(), exit, restored.instructionsRetired());
    }
  }

  @Test
  void interpretedComputationSavedMidwayEndsAsIfUninterrupted() throws Exception {
    Outcome whole = uninterrupted("bench", false);
    Outcome split = savedAndRestored("bench", false, "rounds", 100_000_000);
    assertEquals(whole.console(), split.console());
    assertEquals(whole.exit(), split.exit());
    assertEquals(whole.instret(), split.instret(), "minstret at the end");
  }

  @Test
  void translatedComputationSavedMidwayEndsAsIfUninterrupted() throws Exception {
    Outcome whole = uninterrupted("bench", true);
    Outcome split = savedAndRestored("bench", true, "rounds", 20_000_000);
    assertEquals(whole.console(), split.console());
    assertEquals(whole.exit(), split.exit());
    assertEquals(whole.instret(), split.instret(), "minstret at the end");
  }

  /** The Sv39 guest: the MMU, satp and the S-mode CSRs come back too. */
  @Test
  void pagedGuestSavedMidwayEndsAsIfUninterrupted() throws Exception {
    Outcome whole = uninterrupted("bench_vm", false);
    Outcome split = savedAndRestored("bench_vm", false, "rounds", 50_000_000);
    assertEquals(whole.console(), split.console());
    assertEquals(whole.instret(), split.instret(), "minstret at the end");
  }

  private Path savedHello() throws Exception {
    Path file = dir.resolve("timer.berth-state");
    try (GuestRun run = new GuestRun(machine("timer", true, MachineConfig.DEFAULT_MEMORY))) {
      run.machine.start();
      run.awaitConsole("timer");
      run.machine.saveState(file, VERSION).get(30, TimeUnit.SECONDS);
      run.awaitExit();
    }
    return file;
  }

  private static String refusal(Path file, String version, long memory) {
    Machine m = machine("timer", true, memory);
    try {
      StateException e = assertThrows(StateException.class, () -> m.restore(file, version));
      assertFalse(m.isRestored());
      return e.getMessage();
    } finally {
      m.discard();
    }
  }

  @Test
  void aDamagedFileIsRefusedWithOneLine() throws Exception {
    Path file = savedHello();
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x40;
    Files.write(file, b);
    assertEquals(
        "the saved state is damaged (its checksum does not match)",
        refusal(file, VERSION, MachineConfig.DEFAULT_MEMORY));
  }

  @Test
  void aFileCutShortIsRefused() throws Exception {
    Path file = savedHello();
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, b.length / 3));
    assertTrue(refusal(file, VERSION, MachineConfig.DEFAULT_MEMORY).startsWith("the saved state"));
  }

  @Test
  void anotherBerthsFileIsRefused() throws Exception {
    Path file = savedHello();
    assertEquals(
        "it was made by Berth test-1; this is Berth test-2",
        refusal(file, "test-2", MachineConfig.DEFAULT_MEMORY));
  }

  @Test
  void aFileForAnotherMachineIsRefused() throws Exception {
    Path file = savedHello();
    String why = refusal(file, VERSION, 64L << 20);
    assertTrue(why.startsWith("it was made for another machine (memory=128MiB"), why);
  }

  @Test
  void somethingElseIsNotTakenForAState() throws Exception {
    Path file = dir.resolve("not-a-state");
    Files.writeString(file, "hello, this is not a saved machine at all\n");
    assertEquals(
        "it is not a Berth saved state", refusal(file, VERSION, MachineConfig.DEFAULT_MEMORY));
  }

  /**
   * A quit that arrives while the state is being written waits for it: the run ends saved, with a
   * whole file that restores (the power cut a user meant has already happened: the guest stopped).
   */
  @Test
  void aQuitDuringTheSaveFindsTheStateWhole() throws Exception {
    Path file = dir.resolve("quit.berth-state");
    try (GuestRun run = new GuestRun(machine("pm_button", true, MachineConfig.DEFAULT_MEMORY))) {
      run.machine.start();
      run.awaitConsole("waiting");
      var save = run.machine.saveState(file, VERSION);
      run.machine.quit();
      assertEquals(MachineExit.Kind.SAVED, run.awaitExit().kind());
      assertTrue(save.get(30, TimeUnit.SECONDS) > 0);
    }
    Machine again = machine("pm_button", true, MachineConfig.DEFAULT_MEMORY);
    again.restore(file, VERSION);
    try (GuestRun run = new GuestRun(again)) {
      again.start();
      again.powerButton(); // the restored guest still waits for its button, and answers it
      assertEquals(MachineExit.Kind.SHUTDOWN, run.awaitExit().kind(), run.console());
    }
  }
}
