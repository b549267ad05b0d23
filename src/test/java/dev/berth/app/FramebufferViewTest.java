package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backend.bundled.BundledDisplay;
import dev.berth.core.dev.SimpleFramebuffer;
import dev.berth.display.GuestDisplay;
import dev.berth.display.Keysyms;
import dev.berth.rfb.QemuVgaGuest;
import dev.berth.rfb.RfbClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The graphical console on any guest display: pixels, size changes, keys and the mouse. */
@ExtendWith(ApplicationExtension.class)
class FramebufferViewTest {
  @TempDir Path dir;
  private Stage stage;
  private FramebufferView view;
  private RfbClient client;
  private QemuVgaGuest guest;

  /**
   * A window of the test's own: TestFX's shared primary stage keeps the size and place an earlier
   * test class gave it, and this test maps pointer positions.
   */
  @Start
  void start(Stage primary) {
    this.stage = new Stage();
  }

  @AfterEach
  void stop() throws Exception {
    fx(
        () -> {
          stage.close();
          return null;
        });
    if (client != null) {
      client.close();
    }
    if (guest != null) {
      guest.close();
    }
  }

  private static <T> T fx(Callable<T> callable) throws Exception {
    return WaitForAsyncUtils.asyncFx(callable).get(10, TimeUnit.SECONDS);
  }

  private void show(GuestDisplay display, int width, int height) throws Exception {
    fx(
        () -> {
          view = new FramebufferView(display);
          stage.setScene(new Scene(new StackPane(view), width, height));
          stage.show();
          view.requestFocus();
          return null;
        });
  }

  /** The share of the view's visible pixels that have this colour. */
  private double shownShare(int rgb) throws Exception {
    WritableImage shot = fx(() -> view.snapshot(null, null));
    PixelReader r = shot.getPixelReader();
    int n = 0;
    int w = (int) shot.getWidth();
    int h = (int) shot.getHeight();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        n += (r.getArgb(x, y) & 0xffffff) == rgb ? 1 : 0;
      }
    }
    return (double) n / (w * h);
  }

  private void waitShown(int rgb, double share) throws Exception {
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> shownShare(rgb) > share);
  }

  private static void fillRows(SimpleFramebuffer fb, int from, int to, int rgb) {
    for (long i = (long) from * SimpleFramebuffer.WIDTH;
        i < (long) to * SimpleFramebuffer.WIDTH;
        i++) {
      fb.write(i * 4, 4, rgb);
    }
  }

  @Test
  void showsTheBundledFramebufferAndRedrawsWhatChanged() throws Exception {
    SimpleFramebuffer fb = new SimpleFramebuffer();
    fillRows(fb, 0, 384, 0x1565c0);
    show(new BundledDisplay(fb, null), 512, 384);
    waitShown(0x1565c0, 0.45);
    fillRows(fb, 384, 768, 0xef6c00);
    waitShown(0xef6c00, 0.45);
    assertTrue(shownShare(0x1565c0) > 0.45, "the unchanged top half stays");
  }

  /** A black 800x600 display that records what the view sends it. */
  static final class Recorder implements GuestDisplay {
    final Screen screen = new Screen(800, 600, new int[800 * 600]);
    final List<String> sent = new ArrayList<>();
    boolean drawn;

    @Override
    public Screen screen() {
      return screen;
    }

    @Override
    public Damage takeDamage() {
      Damage all = drawn ? null : new Damage(screen, 0, 0, 800, 600);
      drawn = true;
      return all;
    }

    @Override
    public synchronized void key(int keysym, boolean down) {
      sent.add(Integer.toHexString(keysym) + (down ? " down" : " up"));
    }

    @Override
    public synchronized void pointer(int x, int y, int buttons) {
      sent.add(x + "," + y + " " + buttons);
    }

    synchronized List<String> take() {
      List<String> s = new ArrayList<>(sent);
      sent.clear();
      return s;
    }
  }

  @Test
  void sendsTheMouseInGuestPixelsAndKeysAsKeysyms(FxRobot robot) throws Exception {
    Recorder guest = new Recorder();
    show(guest, 400, 300); // fit: half size
    robot.moveTo(fx(() -> view.localToScreen(100, 50)));
    robot.press(MouseButton.PRIMARY).release(MouseButton.PRIMARY);
    List<String> moves = guest.take();
    assertEquals("200,100 0", moves.get(moves.size() - 3), moves.toString());
    assertEquals(List.of("200,100 1", "200,100 0"), moves.subList(moves.size() - 2, moves.size()));

    robot.type(KeyCode.A);
    robot.press(KeyCode.SHIFT).type(KeyCode.A).release(KeyCode.SHIFT);
    robot.type(KeyCode.TAB, KeyCode.F5, KeyCode.ENTER);
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(
        List.of(
            "61 down",
            "61 up",
            "ffe1 down",
            "41 down",
            "41 up",
            "ffe1 up",
            "ff09 down",
            "ff09 up",
            Integer.toHexString(Keysyms.function(5)) + " down",
            Integer.toHexString(Keysyms.function(5)) + " up",
            "ff0d down",
            "ff0d up"),
        guest.take());
    assertTrue(fx(view::isFocused), "Tab went to the guest, not to the next control");
  }

  @Test
  void showsAQemuScreenThroughItsModeSwitchAndTypesIntoIt(FxRobot robot) throws Exception {
    guest = QemuVgaGuest.startPaused(dir);
    client = RfbClient.connect(guest.vnc, Duration.ofSeconds(5));
    show(client, 720, 400);
    guest.cont();
    waitShown(QemuVgaGuest.RED, 0.5);
    assertEquals(720.0, fx(() -> view.prefWidth(-1)), "the image follows the guest's text mode");
    assertEquals(400.0, fx(() -> view.prefHeight(-1)));

    robot.clickOn(view);
    robot.type(KeyCode.B);
    waitShown(QemuVgaGuest.GREEN, 0.5);
  }
}
