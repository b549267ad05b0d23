package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmState;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

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
    Path home = Files.createTempDirectory(Path.of("/tmp"), "bx");
    Files.createDirectories(home.resolve("run"));
    BerthDirs dirs = new BerthDirs(Map.of("XDG_RUNTIME_DIR", home.resolve("run").toString()), home);
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.Library library = BerthApp.Library.open(dirs);
    BerthApp.open(stage, library);
    vm = library.vms().stream().filter(v -> v.name().equals("linux")).findFirst().orElseThrow();
  }

  private static void waitFor(int seconds, Supplier<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::get);
  }

  @Test
  void bootsTheShippedLinuxAndShutsDownThroughTheAgent(FxRobot robot) throws Exception {
    @SuppressWarnings("unchecked")
    ListView<VmViewModel> list = robot.lookup("#vmList").queryAs(ListView.class);
    robot.interact(() -> list.getSelectionModel().select(vm));
    robot.clickOn("Start");
    waitFor(10, () -> vm.stateProperty().get() == VmState.RUNNING);
    waitFor(90, () -> vm.agentProperty().get().startsWith("Guest agent answers"));
    assertTrue(vm.agentProperty().get().contains("Berth Linux"), vm.agentProperty().get());
    int[] pixels = vm.framebufferProperty().get().screen().pixels();
    assertTrue(
        java.util.Arrays.stream(pixels).anyMatch(p -> (p & 0xffffff) != 0),
        "the framebuffer console has drawn something");
    robot.clickOn("Shut down");
    waitFor(60, () -> vm.stateProperty().get() == VmState.SHUT_OFF);
    assertEquals("Guest powered off (guest-shutdown)", vm.lastEndProperty().get());
    assertTrue(
        vm.events().stream().anyMatch(e -> e.contains("Shut down via the guest agent")),
        String.join("\n", vm.events()));
    assertEquals(
        "Guest powered off (guest-shutdown)",
        robot.lookup("#lastEndLabel").queryAs(Label.class).getText());
  }
}
