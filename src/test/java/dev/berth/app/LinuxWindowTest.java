package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The linux VM a first run creates, in the real app on the bundled core: it boots the shipped Linux
 * guest, the Overview shows its agent answering, its framebuffer console draws, and "Shut down"
 * goes through the agent.
 */
@ExtendWith(ApplicationExtension.class)
class LinuxWindowTest {
  private VmViewModel vm;

  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("bx");
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.Library library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
    vm = library.vms().stream().filter(v -> v.name().equals("linux")).findFirst().orElseThrow();
  }

  private static boolean consoleHas(FxRobot robot, String text) {
    return AppDriver.consoleText(robot).contains(text);
  }

  @Test
  void bootsTheShippedLinuxAndShutsDownThroughTheAgent(FxRobot robot) throws Exception {
    AppDriver.select(robot, vm);
    robot.clickOn("Start");
    AppDriver.waitFor(10, () -> vm.stateProperty().get() == VmState.RUNNING);
    AppDriver.waitFor(90, () -> vm.agentProperty().get().startsWith("Guest agent answers"));
    assertTrue(vm.agentProperty().get().contains("Berth Linux"), vm.agentProperty().get());
    int[] pixels = vm.framebufferProperty().get().screen().pixels();
    assertTrue(
        java.util.Arrays.stream(pixels).anyMatch(p -> (p & 0xffffff) != 0),
        "the framebuffer console has drawn something");
    // The Display tab's keyboard is the guest's virtio keyboard: tty1's shell runs what is typed
    // there. The serial console's shell waits for its effect.
    String wait = "while [ ! -e /tmp/kbd ]; do sleep 1; done; echo KBD-$((2+3))";
    AppDriver.waitFor(30, () -> consoleHas(robot, "berth-linux:~#"));
    for (int i = 0; i < 10 && !consoleHas(robot, wait); i++) {
      // the serial shell drops typeahead while it starts, like tty1's: type until it echoes
      robot.interact(() -> vm.type(wait + "\n"));
      try {
        AppDriver.waitFor(2, () -> consoleHas(robot, wait));
      } catch (java.util.concurrent.TimeoutException notYet) {
        // again
      }
    }
    robot.clickOn("Display (Alt+2)");
    KeyCode[] line = {
      KeyCode.T,
      KeyCode.O,
      KeyCode.U,
      KeyCode.C,
      KeyCode.H,
      KeyCode.SPACE,
      KeyCode.SLASH,
      KeyCode.T,
      KeyCode.M,
      KeyCode.P,
      KeyCode.SLASH,
      KeyCode.K,
      KeyCode.B,
      KeyCode.D,
      KeyCode.ENTER
    };
    // tty1's shell may still be starting (it drops typeahead): type until the effect shows
    for (int i = 0; i < 6 && !consoleHas(robot, "KBD-5"); i++) {
      robot.clickOn("Display (Alt+2)");
      robot.clickOn(".framebuffer");
      robot.type(line);
      try {
        AppDriver.waitFor(5, () -> consoleHas(robot, "KBD-5"));
      } catch (java.util.concurrent.TimeoutException notYet) {
        // type the line again
      }
    }
    assertTrue(consoleHas(robot, "KBD-5"), "keys on the Display tab reached the guest");
    AppDriver.act(robot, dev.berth.vm.VmAction.SHUT_DOWN);
    AppDriver.waitFor(60, () -> vm.stateProperty().get() == VmState.SHUT_OFF);
    assertEquals("Guest powered off (guest-shutdown)", vm.lastEndProperty().get());
    // the agent path's report comes when its channel closes, which may be after the run's end
    AppDriver.waitFor(
        10, () -> vm.events().stream().anyMatch(e -> e.contains("Shut down via the guest agent")));
    assertTrue(
        vm.events().stream().anyMatch(e -> e.contains("Shut down via the guest agent")),
        String.join("\n", vm.events()));
    assertEquals(
        "Guest powered off (guest-shutdown)",
        robot.lookup("#lastEndLabel").queryAs(Label.class).getText());
  }
}
