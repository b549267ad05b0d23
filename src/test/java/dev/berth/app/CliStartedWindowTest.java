package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A VM on the bundled core started from a terminal ({@code berth start demo --headless}) while the
 * window is open is taken up: its state, console and power menu, and afterwards the run that
 * process recorded — once, not twice.
 */
@ExtendWith(ApplicationExtension.class)
class CliStartedWindowTest {
  private BerthDirs dirs;
  private Path home;
  private BerthApp.Library library;
  private Process cli;

  @Start
  void start(Stage stage) throws Exception {
    dirs = AppDriver.freshDirs("bc");
    home = dirs.config().getParent().getParent(); // freshDirs: <home>/.config/berth
    library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
  }

  @AfterEach
  void endTheCli() throws Exception {
    if (cli != null && cli.isAlive()) {
      cli.destroy();
      cli.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aVmStartedFromTheCommandLineIsTakenUp(FxRobot robot) throws Exception {
    VmViewModel demo =
        library.vms().stream().filter(v -> v.name().equals("demo")).findFirst().orElseThrow();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "dev.berth.Main",
            "start",
            "demo",
            "--headless");
    pb.environment().keySet().removeIf(k -> k.startsWith("XDG_"));
    pb.environment().put("HOME", home.toString());
    pb.environment().put("XDG_RUNTIME_DIR", dirs.runtime().getParent().toString());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(home.resolve("cli.err").toFile());
    cli = pb.start();

    AppDriver.waitFor(30, () -> demo.stateProperty().get() == VmState.RUNNING);
    AppDriver.waitFor(
        5, () -> demo.events().stream().anyMatch(e -> e.contains("(taken up) the bundled core")));
    AppDriver.select(robot, demo);
    robot.clickOn(".console");
    robot.type(javafx.scene.input.KeyCode.ENTER);
    AppDriver.waitFor(10, () -> AppDriver.consoleText(robot).contains("demo$"));

    AppDriver.act(robot, dev.berth.vm.VmAction.POWER_BUTTON);
    assertTrue(cli.waitFor(20, TimeUnit.SECONDS), "the terminal's berth start ended");
    AppDriver.waitFor(10, () -> demo.stateProperty().get() == VmState.SHUT_OFF);
    AppDriver.waitFor(10, () -> demo.messageProperty().get().endsWith("it can start here now"));
    // read back from the history that process wrote, once it let go of the VM
    AppDriver.waitFor(
        10,
        () -> demo.lastEndProperty().get().equals("Last run: Guest powered off (guest-shutdown)"));
    List<dev.berth.vm.Run> runs = demo.runs();
    assertEquals(1, runs.size(), "that process's run, recorded once: " + runs);
  }
}
