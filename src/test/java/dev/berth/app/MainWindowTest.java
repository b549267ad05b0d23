package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real app on the real bundled core: start the demo VM, press the power button, see why it
 * stopped.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
  @Start
  void start(Stage stage) throws Exception {
    new BerthApp().start(stage);
  }

  private static void waitFor(Supplier<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition::get);
  }

  @Test
  void powerButtonOnAGuestThatHonoursIt(FxRobot robot) throws Exception {
    Label state = robot.lookup(".state-badge").queryAs(Label.class);
    TextArea console = robot.lookup(".console").queryAs(TextArea.class);
    assertEquals("Shut off", state.getText());

    robot.clickOn("Start");
    waitFor(() -> state.getText().equals("Running"));
    waitFor(() -> console.getText().contains("demo$ "));

    robot.clickOn("Power button");
    waitFor(() -> state.getText().equals("Shut off"));
    assertTrue(console.getText().contains("pm: entering S5"), console.getText());
    Label lastEnd = robot.lookup("#lastEndLabel").queryAs(Label.class);
    assertEquals("Guest powered off (guest-shutdown)", lastEnd.getText());
    @SuppressWarnings("unchecked")
    ListView<String> events = robot.lookup(".events").queryAs(ListView.class);
    String log = String.join("\n", events.getItems());
    assertTrue(log.indexOf("POWERDOWN") < log.indexOf("SHUTDOWN"), log);
    assertTrue(log.contains("\"reason\":\"guest-shutdown\""), log);
  }
}
