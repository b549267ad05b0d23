package dev.berth.backend.qemu;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineListener;
import dev.berth.vm.BerthDirs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for the QEMU backend, printed (not asserted): launch to the guest's ready line, and the
 * power button's round trip — the call, QEMU's POWERDOWN event reaching Berth, the guest's
 * SHUTDOWN. Run: {@code mvn test -Dtest=QemuBootBenchmark -DexcludedGroups= -Dgroups=benchmark}.
 */
@Tag("benchmark")
class QemuBootBenchmark {
  private static final int RUNS = 5;

  @Test
  void bootAndPowerButton() throws Exception {
    X86TestGuest.ensureBuilt();
    Path home = Files.createTempDirectory(Path.of("/tmp"), "bb");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    for (int i = 1; i <= RUNS; i++) {
      long t0 = System.nanoTime();
      QemuVm vm = QemuVm.launch(X86TestGuest.spec("b", "pc", ""), dirs);
      long launched = System.nanoTime();
      CompletableFuture<Long> ready = new CompletableFuture<>();
      CompletableFuture<Long> powerdown = new CompletableFuture<>();
      CompletableFuture<Long> shutdown = new CompletableFuture<>();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      vm.setConsoleSink(
          (b, off, len) -> {
            out.write(b, off, len);
            if (out.toString(StandardCharsets.UTF_8).contains("x86-guest ready")) {
              ready.complete(System.nanoTime());
            }
          });
      vm.addListener(
          new MachineListener() {
            @Override
            public void onEvent(MachineEvent e) {
              if (e.name().equals(MachineEvent.POWERDOWN)) {
                powerdown.complete(System.nanoTime());
              } else if (e.name().equals(MachineEvent.SHUTDOWN)) {
                shutdown.complete(System.nanoTime());
              }
            }
          });
      vm.startWatching();
      long readyAt = ready.get(120, TimeUnit.SECONDS);
      long press = System.nanoTime();
      vm.powerButton();
      long pd = powerdown.get(30, TimeUnit.SECONDS);
      long sd = shutdown.get(30, TimeUnit.SECONDS);
      long exited = vm.exit().thenApply(x -> System.nanoTime()).get(30, TimeUnit.SECONDS);
      System.out.printf(
          "run %d: QEMU monitor up %.2f s, ready line %.2f s after launch; power button -> POWERDOWN"
              + " %.1f ms, -> SHUTDOWN %.0f ms, -> run over %.0f ms%n",
          i,
          (launched - t0) / 1e9,
          (readyAt - t0) / 1e9,
          (pd - press) / 1e6,
          (sd - press) / 1e6,
          (exited - press) / 1e6);
    }
  }
}
