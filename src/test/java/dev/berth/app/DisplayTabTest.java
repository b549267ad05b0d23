package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.display.GuestDisplay;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Display tab shows what the demo guest draws on the board's framebuffer. */
@ExtendWith(ApplicationExtension.class)
class DisplayTabTest {
  private static final int RUNNING_GREEN = 0x2e7d32;
  private static final int SHUTDOWN_ORANGE = 0xef6c00;
  private VmViewModel vm;
  private Path home;

  @Start
  void start(Stage stage) throws Exception {
    home = Files.createTempDirectory("berth-display-test");
    BerthDirs dirs = new BerthDirs(Map.of(), home);
    new VmStore(dirs.config()).ensureFirstRunDefaults();
    BerthApp.Library library = BerthApp.Library.open(dirs);
    vm = library.vms().get(0);
    BerthApp.open(stage, library);
  }

  private int statusBarPixel() {
    GuestDisplay d = vm.framebufferProperty().get();
    return d == null ? -1 : d.screen().pixels()[740 * SimpleFramebuffer.WIDTH + 500];
  }

  @Test
  void theGuestsDrawingReachesTheScreenAndAScreenshot(FxRobot robot) throws Exception {
    robot.clickOn("Start");
    robot.clickOn("Display (Alt+2)");
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> statusBarPixel() == RUNNING_GREEN);
    FramebufferView view = robot.lookup(".framebuffer").queryAs(FramebufferView.class);
    assertTrue(view.isVisible());

    Path png = home.resolve("shot.png");
    view.saveScreenshot(png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1024, img.getWidth());
    assertEquals(768, img.getHeight());
    assertEquals(RUNNING_GREEN, img.getRGB(500, 740) & 0xffffff);

    AppDriver.act(robot, dev.berth.vm.VmAction.POWER_BUTTON);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !vm.isActive());
    assertTrue(
        statusBarPixel() == 0x424242 || statusBarPixel() == SHUTDOWN_ORANGE,
        "the guest showed its shutdown: " + Integer.toHexString(statusBarPixel()));
    robot.clickOn("Fit to window");
    assertTrue(!view.isFit(), "1:1 after un-toggling fit");
  }
}
