package dev.berth.app;

import dev.berth.app.terminal.TerminalModel;
import dev.berth.app.terminal.TerminalView;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A benchmark, not a test: the demo guest prints coloured lines at full speed into the app's
 * console while the FX thread keeps drawing frames. Prints the console throughput (MB/s of guest
 * output on screen), the longest gap between frames (responsiveness), and the latency from a
 * power-menu click to the state on screen. Run: {@code mvn test -Dtest=ConsoleFloodBenchmark
 * -DexcludedGroups= -Dgroups=benchmark}.
 */
@Tag("benchmark")
@ExtendWith(ApplicationExtension.class)
class ConsoleFloodBenchmark {
  private static final int KIB = 16 * 1024;
  private VmViewModel vm;
  private Stage stage;

  @Start
  void start(Stage stage) throws Exception {
    Path home = Files.createTempDirectory("berth-bench");
    BerthDirs dirs = new BerthDirs(Map.of(), home);
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.Library library = BerthApp.Library.open(dirs);
    vm = library.vms().get(0);
    this.stage = stage;
    BerthApp.open(stage, library);
  }

  private static String lastLines(TerminalView view) throws Exception {
    return WaitForAsyncUtils.asyncFx(
            () -> {
              TerminalModel m = view.getModel();
              StringBuilder sb = new StringBuilder();
              int cursor = m.scrollbackLineCount() + m.cursorRow();
              for (int i = Math.max(0, cursor - 2); i <= cursor; i++) {
                sb.append(m.lineAt(i).text()).append('\n');
              }
              return sb.toString();
            })
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void floodTheConsole(FxRobot robot) throws Exception {
    TerminalView view = robot.lookup(".console").queryAs(TerminalView.class);
    robot.interact(vm::start);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> lastLines(view).contains("demo$"));

    AtomicLong frames = new AtomicLong();
    AtomicLong maxGap = new AtomicLong();
    AtomicLong last = new AtomicLong();
    AnimationTimer pulse =
        new AnimationTimer() {
          @Override
          public void handle(long now) {
            long prev = last.getAndSet(now);
            if (prev != 0) {
              maxGap.accumulateAndGet(now - prev, Math::max);
            }
            frames.incrementAndGet();
          }
        };
    robot.interact(pulse::start);
    long t0 = System.nanoTime();
    vm.type("flood " + KIB + "\r");
    WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> lastLines(view).contains("flood done"));
    long t1 = System.nanoTime();
    robot.interact(pulse::stop);
    double seconds = (t1 - t0) / 1e9;
    double mb = KIB * 1024.0 / 1e6;
    System.out.printf(
        "console flood: %.1f MB of coloured output on screen in %.2f s = %.1f MB/s;"
            + " %d frames (%.0f fps), longest frame gap %.0f ms%n",
        mb, seconds, mb / seconds, frames.get(), frames.get() / seconds, maxGap.get() / 1e6);

    long[] latencies = new long[5];
    for (int i = 0; i < latencies.length; i++) {
      vm.type("button ignore\r");
      WaitForAsyncUtils.waitFor(
          10, TimeUnit.SECONDS, () -> lastLines(view).contains("policy: ignore"));
      javafx.scene.control.MenuItem power =
          AppDriver.toolbarItem(robot, dev.berth.vm.VmAction.POWER_BUTTON);
      long[] clicked = new long[1];
      long[] shown = new long[1];
      robot.interact(
          () -> {
            vm.stateProperty()
                .addListener(
                    (o, was, is) -> {
                      if (shown[0] == 0) {
                        shown[0] = System.nanoTime();
                      }
                    });
            clicked[0] = System.nanoTime();
            power.fire();
          });
      WaitForAsyncUtils.waitForFxEvents();
      latencies[i] = shown[0] - clicked[0];
      robot.interact(vm::forceOff);
      WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !vm.isActive());
      robot.interact(vm::start);
      WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> lastLines(view).contains("demo$"));
    }
    java.util.Arrays.sort(latencies);
    System.out.printf(
        "power button click to 'Powering down' on screen: median %.2f ms, max %.2f ms%n",
        latencies[2] / 1e6, latencies[4] / 1e6);
    robot.interact(vm::quit);
  }
}
