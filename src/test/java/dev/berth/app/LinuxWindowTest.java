package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import javafx.scene.control.Label;
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
    robot.clickOn("Shut down");
    AppDriver.waitFor(60, () -> vm.stateProperty().get() == VmState.SHUT_OFF);
    assertEquals("Guest powered off (guest-shutdown)", vm.lastEndProperty().get());
    assertTrue(
        vm.events().stream().anyMatch(e -> e.contains("Shut down via the guest agent")),
        String.join("\n", vm.events()));
    assertEquals(
        "Guest powered off (guest-shutdown)",
        robot.lookup("#lastEndLabel").queryAs(Label.class).getText());
  }
}
