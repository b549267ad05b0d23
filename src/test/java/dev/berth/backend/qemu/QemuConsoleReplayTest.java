package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's "inittramfs": a Berth whose console reader stalled made QEMU log bytes twice, and the
 * next Berth replayed that log. On real QEMU: the replay after a reattach is what the first Berth
 * read from the socket, byte for byte.
 */
class QemuConsoleReplayTest {
  private QemuVm vm;

  @AfterEach
  void stop() throws Exception {
    if (vm != null && !vm.exit().isDone()) {
      vm.kill();
      vm.exit().get(10, TimeUnit.SECONDS);
    }
  }

  private static void await(long seconds, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Object lock = new Object();
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out: " + what);
        }
        lock.wait(50);
      }
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void theReplayAfterAReattachIsWhatTheSocketCarriedNotQemusRepeats() throws Exception {
    X86TestGuest.ensureBuilt();
    Path home = Files.createTempDirectory(Path.of("/tmp"), "bc");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    // the kernel's whole boot log on the console, not just the init script's lines
    VmSpec spec = X86TestGuest.spec("t", "pc", "loglevel=7");
    vm = QemuVm.launch(spec, dirs);
    Path log = vm.runtime().serialLog();
    // the first Berth's reader stalls now and then (a loaded machine) until its socket is full:
    // QEMU's writes fail with EAGAIN, the guest's UART waits, and QEMU's log stops growing
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    int[] stalls = {0};
    vm.setConsoleSink(
        (b, off, len) -> {
          if (stalls[0] < 4 && seen.size() >= stalls[0] * 4000) {
            stalls[0]++;
            try {
              long[] last = {-1};
              long[] since = {System.nanoTime()};
              await(
                  30,
                  () -> {
                    long now = size(log);
                    if (now != last[0]) {
                      last[0] = now;
                      since[0] = System.nanoTime();
                    }
                    return now > 0 && System.nanoTime() - since[0] > 500_000_000L;
                  },
                  "QEMU's log to stop growing while nobody reads");
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          synchronized (seen) {
            seen.write(b, off, len);
          }
        });
    vm.startWatching();
    await(90, () -> text(seen).contains("x86-guest ready in"), "the first boot's ready line");
    vm.type("echo replay-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
    await(20, () -> text(seen).contains("replay-42\r\n"), "the echo");
    String first = text(seen);
    String logged = Files.readString(log, StandardCharsets.UTF_8);
    assertNotEquals(first, logged, "QEMU's log repeated bytes (the bug's precondition)");
    assertTrue(logged.length() > first.length(), "the repeats are extra bytes in the log");

    vm.detach();
    Optional<QemuVm> again = QemuVm.attach(spec, dirs);
    assertTrue(again.isPresent());
    vm = again.get();
    ByteArrayOutputStream replayed = new ByteArrayOutputStream();
    vm.setConsoleSink(
        (b, off, len) -> {
          synchronized (replayed) {
            replayed.write(b, off, len);
          }
        });
    vm.startWatching();
    await(20, () -> text(replayed).contains("replay-42"), "the replay");
    String shown = text(replayed);
    assertTrue(shown.startsWith(first), "the replay differs from what the socket carried");
    assertTrue(shown.contains("Trying to unpack rootfs image as initramfs..."), shown);
    assertEquals(1, shown.split("x86-guest ready in", -1).length - 1, "the ready line once");
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
