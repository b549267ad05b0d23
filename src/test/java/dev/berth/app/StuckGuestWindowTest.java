package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmStore;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A guest that hangs after the firmware's banner (bundled:linux in 64 MiB, written to its spec by
 * hand: the dialog and the CLI refuse it) shows more than "Running": a bar says it seems stuck and
 * offers Force off.
 */
@ExtendWith(ApplicationExtension.class)
class StuckGuestWindowTest {
  @Start
  void start(Stage stage) throws Exception {
    BerthDirs dirs = AppDriver.freshDirs("bs");
    VmStore store = new VmStore(dirs.config());
    VmSpec linux = VmSpec.defaultLinux();
    store.save(
        new VmSpec(
            linux.name(),
            linux.backend(),
            64,
            linux.kernel(),
            linux.initrd(),
            linux.append(),
            linux.bios(),
            linux.disks(),
            linux.powerButtonTimeoutSeconds(),
            linux.schemaVersion(),
            linux.arch(),
            linux.machine(),
            linux.cpus(),
            linux.cdrom()));
    BerthApp.open(stage, BerthApp.Library.open(dirs));
  }

  @Test
  void aGuestThatPrintsNothingAndSpinsIsSaidToBeStuck(FxRobot robot) throws Exception {
    robot.clickOn("#start");
    AppDriver.waitFor(20, () -> AppDriver.consoleText(robot).contains("OpenSBI"));
    assertEquals("Running", AppDriver.badge(robot).getText());
    Node bar = robot.lookup("#stallBar").query();
    assertFalse(bar.isVisible(), "not while it still prints");
    AppDriver.waitFor(40, bar::isVisible);
    String said = robot.lookup("#stallLabel").queryAs(Label.class).getText();
    assertTrue(said.startsWith("linux has printed nothing for "), said);
    assertTrue(said.endsWith("the guest may be stuck"), said);
    AppDriver.waitFor(
        5, () -> AppDriver.events(robot).contains("(no progress) linux has printed nothing"));
    AppDriver.clickConfirming(robot, "#stallForceOff", VmAction.FORCE_OFF);
    AppDriver.waitFor(20, () -> AppDriver.badge(robot).getText().equals("Shut off"));
    assertFalse(bar.isVisible(), "the warning went with the run");
  }
}
