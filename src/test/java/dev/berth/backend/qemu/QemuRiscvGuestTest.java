package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.MachineListener;
import dev.berth.event.ShutdownCause;
import dev.berth.guest.LinuxGuestQemuTest;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.ShutdownPath;
import dev.berth.vm.VmSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Berth Linux guest on the QEMU backend's riscv64 {@code virt} command line: it boots with its
 * data disk and agent, and a shutdown through the agent ends the run as a guest power-off — which
 * QEMU 7.2's virt board reports with no SHUTDOWN event, only exit status 0.
 */
class QemuRiscvGuestTest {
  @Test
  void berthLinuxBootsAndShutsDownThroughItsAgent() throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "br");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    Path images = LinuxGuestQemuTest.IMAGES.toAbsolutePath();
    Path kernel = home.resolve("Image");
    Path disk = home.resolve("data.img");
    LinuxGuestQemuTest.gunzip(images.resolve("Image.gz"), kernel);
    LinuxGuestQemuTest.gunzip(images.resolve("data.img.gz"), disk);
    VmSpec spec =
        new VmSpec(
            "rv",
            VmSpec.Backend.QEMU,
            128,
            kernel.toString(),
            images.resolve("initramfs.cpio.gz").toString(),
            "console=ttyS0",
            images.resolve("fw_jump.bin").toString(),
            List.of(disk.toString()),
            30,
            VmSpec.SCHEMA_VERSION,
            "riscv64",
            "virt",
            1,
            null);
    QemuVm vm = QemuVm.launch(spec, dirs);
    try {
      CompletableFuture<Void> ready = new CompletableFuture<>();
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      List<MachineEvent> events = new CopyOnWriteArrayList<>();
      vm.setConsoleSink(
          (b, off, len) -> {
            synchronized (console) {
              console.write(b, off, len);
              if (console.toString(StandardCharsets.UTF_8).contains("berth-linux ready")) {
                ready.complete(null);
              }
            }
          });
      vm.addListener(
          new MachineListener() {
            @Override
            public void onEvent(MachineEvent e) {
              events.add(e);
            }
          });
      vm.startWatching();
      ready.get(60, TimeUnit.SECONDS);
      String text;
      synchronized (console) {
        text = console.toString(StandardCharsets.UTF_8);
      }
      assertTrue(text.contains("vda"), "the data disk is attached:\n" + text);
      assertTrue(vm.probeAgent().answers(), vm.probeAgent().describe());
      ShutdownPath path = vm.shutDown().get(20, TimeUnit.SECONDS);
      assertEquals(ShutdownPath.Via.AGENT, path.via());
      MachineExit end = vm.exit().get(30, TimeUnit.SECONDS);
      assertEquals(MachineExit.Kind.SHUTDOWN, end.kind(), end.toString());
      assertEquals(ShutdownCause.GUEST_SHUTDOWN, end.cause());
      assertTrue(
          events.stream().noneMatch(e -> e.name().equals(MachineEvent.SHUTDOWN))
              || events.stream().anyMatch(e -> e.cause() == ShutdownCause.GUEST_SHUTDOWN),
          events.toString());
    } finally {
      if (!vm.exit().isDone()) {
        vm.kill();
      }
    }
  }
}
