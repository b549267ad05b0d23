package dev.berth.app.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.event.Event;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.ScrollBar;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class TerminalViewTest {
  private TerminalView view;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  @Start
  void start(Stage stage) {
    view = new TerminalView();
    view.setInputHandler(
        bytes -> {
          synchronized (sent) {
            sent.writeBytes(bytes);
          }
        });
    stage.setScene(new Scene(new StackPane(view), 720, 420));
    stage.show();
    view.requestFocus();
  }

  /** Evaluate on the FX thread (the model belongs to it). */
  private static <T> T fx(Callable<T> callable) throws Exception {
    return WaitForAsyncUtils.asyncFx(callable).get(10, TimeUnit.SECONDS);
  }

  private static void waitFor(Callable<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> fx(condition));
  }

  private String sentText() {
    synchronized (sent) {
      return sent.toString(StandardCharsets.UTF_8);
    }
  }

  private void clearSent() {
    synchronized (sent) {
      sent.reset();
    }
  }

  private void feedFromWorker(String s) throws Exception {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Thread worker = new Thread(() -> view.feed(b, 0, b.length), "test-worker");
    worker.start();
    worker.join(10_000);
  }

  private Point2D cellOnScreen(int row, double col) throws Exception {
    return fx(
        () -> view.localToScreen(col * view.getCellWidth(), (row + 0.5) * view.getCellHeight()));
  }

  @Test
  void colouredOutputFromAnotherThreadReachesTheModel() throws Exception {
    feedFromWorker("\033[31mred\033[0m and \033[38;5;208morange\033[0m\r\n");
    waitFor(() -> view.getModel().text().contains("red and orange"));
    assertEquals(1, fx(() -> view.getModel().foreground(0, 0)));
    assertEquals(CellStyle.DEFAULT_COLOR, fx(() -> view.getModel().foreground(0, 3)));
    assertEquals(208, fx(() -> view.getModel().foreground(0, 8)));
  }

  @Test
  void modelIsSizedToTheView() throws Exception {
    waitFor(
        () -> {
          TerminalModel m = view.getModel();
          double textWidth = view.getWidth() - 20; // less the scroll bar, at most ~20 px
          return m.columns() >= (int) (textWidth / view.getCellWidth()) - 1
              && m.columns() <= (int) (view.getWidth() / view.getCellWidth())
              && m.rows() == (int) (view.getHeight() / view.getCellHeight());
        });
  }

  @Test
  void keysAreEncodedForTheInputHandler() throws Exception {
    FxRobot robot = new FxRobot();
    robot.clickOn(view);
    clearSent();
    robot.write("ls -l");
    robot.type(KeyCode.ENTER);
    waitFor(() -> sentText().equals("ls -l\r"));

    clearSent();
    robot.type(KeyCode.UP, KeyCode.F5, KeyCode.BACK_SPACE, KeyCode.TAB);
    robot.press(KeyCode.CONTROL).type(KeyCode.C).release(KeyCode.CONTROL);
    waitFor(() -> sentText().equals("\033[A\033[15~\u007f\t\u0003"));

    clearSent();
    view.feed("\033[?1h".getBytes(StandardCharsets.US_ASCII));
    waitFor(() -> view.getModel().isApplicationCursorKeys());
    robot.type(KeyCode.DOWN);
    waitFor(() -> sentText().equals("\033OB"));
  }

  @Test
  void statusQueriesAreAnsweredThroughTheInputHandler() throws Exception {
    clearSent();
    feedFromWorker("\033[2J\033[4;7H\033[6n");
    waitFor(() -> sentText().equals("\033[4;7R"));
  }

  @Test
  void dragSelectsAndCopyPutsTheTextOnTheClipboard() throws Exception {
    feedFromWorker("\033[2J\033[Hhello world\r\nsecond line");
    waitFor(() -> view.getModel().text().startsWith("hello world"));
    FxRobot robot = new FxRobot();
    robot.drag(cellOnScreen(0, 6.1), MouseButton.PRIMARY).dropTo(cellOnScreen(1, 6.1));
    waitFor(() -> view.getSelectedText().equals("world\nsecond"));

    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.C)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    waitFor(() -> "world\nsecond".equals(Clipboard.getSystemClipboard().getString()));
  }

  @Test
  void pasteSendsTheClipboardWithCarriageReturns() throws Exception {
    fx(
        () -> {
          ClipboardContent content = new ClipboardContent();
          content.putString("echo 1\necho 2\n");
          return Clipboard.getSystemClipboard().setContent(content);
        });
    clearSent();
    FxRobot robot = new FxRobot();
    robot.clickOn(view);
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.V)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    waitFor(() -> sentText().equals("echo 1\recho 2\r"));

    clearSent();
    view.feed("\033[?2004h".getBytes(StandardCharsets.US_ASCII));
    waitFor(() -> view.getModel().isBracketedPaste());
    fx(
        () -> {
          view.pasteText("x");
          return null;
        });
    assertEquals("\033[200~x\033[201~", sentText());
  }

  /**
   * A wheel event as the JavaFX spec defines it (positive deltaY = wheel away from the user = back
   * in history). Fired directly: Monocle's robot gives the wheel the opposite sign.
   */
  private void wheel(double lines) throws Exception {
    fx(
        () -> {
          Event.fireEvent(
              view,
              new ScrollEvent(
                  ScrollEvent.SCROLL,
                  10,
                  10,
                  10,
                  10,
                  false,
                  false,
                  false,
                  false,
                  false,
                  false,
                  0,
                  lines * 40,
                  0,
                  lines * 40,
                  ScrollEvent.HorizontalTextScrollUnits.NONE,
                  0,
                  ScrollEvent.VerticalTextScrollUnits.LINES,
                  lines,
                  0,
                  null));
          return null;
        });
  }

  @Test
  void wheelAndScrollBarScrollBackAndNewOutputSnapsToTheBottom() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append("line ").append(i).append("\r\n");
    }
    feedFromWorker(sb.toString());
    waitFor(() -> view.getModel().scrollbackLineCount() > 100);
    int history = fx(() -> view.getModel().scrollbackLineCount());
    wheel(3);
    assertEquals(3, fx(view::getScrollOffset));
    wheel(-1);
    assertEquals(2, fx(view::getScrollOffset));

    ScrollBar bar = new FxRobot().lookup(".scroll-bar").queryAs(ScrollBar.class);
    assertEquals(history - 2, fx(bar::getValue), 0.0);
    fx(
        () -> {
          bar.setValue(0); // the top of the history
          return null;
        });
    assertEquals(history, fx(view::getScrollOffset));
    assertEquals("line 0", fx(() -> view.getModel().lineAt(0).text()));

    feedFromWorker("more\r\n");
    waitFor(() -> view.getScrollOffset() == 0 && view.getModel().text().contains("more"));
    assertEquals(fx(bar::getMax), fx(bar::getValue), 0.0);
  }

  @Test
  void fontZoomRefitsTheModel() throws Exception {
    FxRobot robot = new FxRobot();
    robot.clickOn(view);
    int cols = fx(() -> view.getModel().columns());
    robot.press(KeyCode.CONTROL).type(KeyCode.EQUALS).type(KeyCode.EQUALS).release(KeyCode.CONTROL);
    waitFor(() -> view.getFontSize() == TerminalView.DEFAULT_FONT_SIZE + 2);
    waitFor(() -> view.getModel().columns() < cols);
    robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT0).release(KeyCode.CONTROL);
    waitFor(() -> view.getFontSize() == TerminalView.DEFAULT_FONT_SIZE);
    waitFor(() -> view.getModel().columns() == cols);
  }

  @Test
  void drawsColouredCells() throws Exception {
    feedFromWorker("\033[2J\033[H\033[41m    \033[0m\033[48;2;0;0;255m    \033[0m");
    WritableImage image =
        fx(
            () -> {
              view.requestRedraw();
              return view.snapshot(null, null);
            });
    double y = view.getCellHeight() / 2;
    Color red = image.getPixelReader().getColor((int) (1.5 * view.getCellWidth()), (int) y);
    Color blue = image.getPixelReader().getColor((int) (5.5 * view.getCellWidth()), (int) y);
    Color plain = image.getPixelReader().getColor((int) (12.5 * view.getCellWidth()), (int) y);
    assertEquals(XtermPalette.color(1, null), red);
    assertEquals(Color.rgb(0, 0, 255), blue);
    assertTrue(plain.getBlue() < 0.2 && plain.getRed() < 0.2, plain.toString());
  }

  /** Narrowing the console re-wraps it; widening it again shows every line whole. */
  @Test
  void narrowingTheWindowReflowsInsteadOfCutting(FxRobot robot) throws Exception {
    String line = "a line of console output that is longer than a narrow window is wide";
    feedFromWorker("first\r\n" + line + "\r\nlast\r\n");
    waitFor(() -> view.getModel().line(1).text().equals(line));
    // the view narrows as in a narrower window (the window itself is the next test's too)
    robot.interact(() -> view.setMaxWidth(200));
    waitFor(() -> view.getModel().columns() < line.length());
    robot.interact(() -> view.setMaxWidth(Double.MAX_VALUE));
    waitFor(() -> view.getModel().columns() > line.length());
    assertEquals(line, fx(() -> view.getModel().line(1).text()), "nothing was cut off");
    assertEquals("last", fx(() -> view.getModel().line(2).text()));
  }
}
