package dev.berth.app;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app's footprint with the shipped Linux VM (128 MiB) booted and idle: resident memory of the
 * whole process and the statistics line (core thread's share of a host CPU). Printed, not asserted.
 * Run: {@code mvn test -Dtest=AppFootprintBenchmark -DexcludedGroups= -Dgroups=benchmark}.
 */
@Tag("benchmark")
@ExtendWith(ApplicationExtension.class)
class AppFootprintBenchmark {
  private VmViewModel vm;

  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("bf");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.Library library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
    vm = library.vms().stream().filter(v -> v.name().equals("linux")).findFirst().orElseThrow();
  }

  private static long rssMiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
      }
    }
    return -1;
  }

  @Test
  void footprintWithTheLinuxGuestIdle(FxRobot robot) throws Exception {
    System.out.printf("app with no VM running: RSS %d MiB%n", rssMiB());
    AppDriver.select(robot, vm);
    robot.interact(vm::start);
    WaitForAsyncUtils.waitFor(
        120, TimeUnit.SECONDS, () -> vm.agentProperty().get().startsWith("Guest agent answers"));
    for (int i = 0; i < 3; i++) {
      // ten seconds of an idle guest between samples: the stats line covers the last second
      WaitForAsyncUtils.sleep(10, TimeUnit.SECONDS);
      System.out.printf("idle Linux guest: RSS %d MiB; %s%n", rssMiB(), vm.statsProperty().get());
    }
    robot.interact(vm::quit);
  }
}
