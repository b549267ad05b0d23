package dev.berth.app;

import dev.berth.app.terminal.TerminalView;
import dev.berth.display.GuestDisplay;
import dev.berth.display.GuestDisplay.Damage;
import dev.berth.display.GuestDisplay.Screen;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import javafx.animation.AnimationTimer;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.StackPane;
import javax.imageio.ImageIO;

/**
 * The graphical console: shows a {@link GuestDisplay} through a {@link PixelBuffer}-backed image,
 * copying only the region the guest changed, once per frame, and a new image when the guest changes
 * its screen size. Fit-to-window or 1:1. While it has the focus, keys and the mouse go to the
 * guest, except the shortcuts the window owns (as in the serial console).
 */
public final class FramebufferView extends StackPane {
  private final GuestDisplay display;
  private final ImageView view = new ImageView();
  private final ScrollPane oneToOne = new ScrollPane();
  private IntBuffer shown;
  private PixelBuffer<IntBuffer> buffer;
  private int width;
  private int height;
  private boolean fit = true;
  private double zoom = 1;

  /** Ctrl and Alt went down with no other key: releasing them lets go of the keyboard. */
  private boolean ctrlAltAlone;

  /** What lets go of the keyboard while the view has it, as the grab indicator says. */
  static final String RELEASE_KEYS = "Ctrl+Alt";

  /** The keysym sent for each key held down, so its release sends the same one. */
  private final Map<KeyCode, Integer> held = new EnumMap<>(KeyCode.class);

  private final AnimationTimer pulse =
      new AnimationTimer() {
        @Override
        public void handle(long now) {
          refresh();
        }
      };

  public FramebufferView(GuestDisplay display) {
    this.display = display;
    view.setPreserveRatio(true);
    view.setSmooth(true);
    getStyleClass().add("framebuffer");
    setFocusTraversable(true);
    oneToOne.setFocusTraversable(false);
    setFit(true);
    refresh();
    sceneProperty()
        .addListener(
            (o, was, is) -> {
              if (is != null) {
                pulse.start();
              } else {
                pulse.stop();
              }
            });
    addEventFilter(KeyEvent.KEY_PRESSED, this::keyPressed);
    addEventFilter(KeyEvent.KEY_RELEASED, this::keyReleased);
    addEventFilter(KeyEvent.KEY_TYPED, KeyEvent::consume);
    focusedProperty()
        .addListener(
            (o, was, is) -> {
              if (!is) {
                releaseAll();
              }
            });
    // A click anywhere on the view (the image or the bars beside it) gives it the keyboard; the
    // press goes no further, or an enclosing TabPane takes the focus back.
    addEventHandler(
        MouseEvent.MOUSE_PRESSED,
        e -> {
          requestFocus();
          e.consume();
        });
    view.addEventHandler(MouseEvent.MOUSE_MOVED, this::mouse);
    view.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::mouse);
    view.addEventHandler(MouseEvent.MOUSE_PRESSED, this::mouse);
    view.addEventHandler(MouseEvent.MOUSE_RELEASED, this::mouse);
    view.addEventHandler(ScrollEvent.SCROLL, this::wheel);
  }

  // The image follows the view's size, so the view must not take its minimum from the image.
  @Override
  protected double computeMinWidth(double height) {
    return 0;
  }

  @Override
  protected double computeMinHeight(double width) {
    return 0;
  }

  @Override
  protected double computePrefWidth(double height) {
    return width;
  }

  @Override
  protected double computePrefHeight(double width) {
    return height;
  }

  /** At 1:1, the scale: 0.5 shows half size, 2 doubles every pixel. */
  public void setZoom(double zoom) {
    this.zoom = zoom;
    if (!fit) {
      setFit(false);
    }
  }

  public double zoom() {
    return zoom;
  }

  /** The width the guest's screen takes on this one, in pixels (for tests). */
  double shownWidth() {
    return view.getLayoutBounds().getWidth();
  }

  /** True while keys and the mouse go to the guest: the view has the keyboard. */
  public javafx.beans.property.ReadOnlyBooleanProperty grabbedProperty() {
    return focusedProperty();
  }

  /** Fit the window (keeping the aspect ratio) or show pixels 1:1 with scroll bars. */
  public void setFit(boolean fit) {
    this.fit = fit;
    view.fitWidthProperty().unbind();
    view.fitHeightProperty().unbind();
    getChildren().clear();
    oneToOne.setContent(null);
    if (fit) {
      view.fitWidthProperty().bind(widthProperty());
      view.fitHeightProperty().bind(heightProperty());
      getChildren().add(view);
    } else {
      view.setFitWidth(zoom == 1 ? 0 : width * zoom);
      view.setFitHeight(zoom == 1 ? 0 : height * zoom);
      oneToOne.setContent(view);
      getChildren().add(oneToOne);
    }
  }

  public boolean isFit() {
    return fit;
  }

  /** Copies what the guest changed since the last frame into the image. */
  void refresh() {
    Damage d = display.takeDamage();
    if (d == null) {
      return;
    }
    Screen s = d.screen();
    if (s.width() != width || s.height() != height) {
      newImage(s.width(), s.height());
      copy(s, 0, 0, width, height);
    } else {
      copy(s, d.x(), d.y(), d.width(), d.height());
    }
  }

  private void newImage(int w, int h) {
    width = w;
    height = h;
    shown = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
    buffer = new PixelBuffer<>(w, h, shown, PixelFormat.getIntArgbPreInstance());
    view.setImage(new WritableImage(buffer));
    if (!fit && zoom != 1) {
      view.setFitWidth(w * zoom);
      view.setFitHeight(h * zoom);
    }
    requestLayout();
  }

  private void copy(Screen s, int x, int y, int w, int h) {
    int[] src = s.pixels();
    for (int row = y; row < y + h; row++) {
      for (int i = row * width + x, end = i + w; i < end; i++) {
        shown.put(i, 0xff000000 | src[i]);
      }
    }
    buffer.updateBuffer(b -> new Rectangle2D(x, y, w, h));
  }

  /** Writes what the guest shows now as a PNG. */
  public void saveScreenshot(Path file) throws IOException {
    Screen s = display.screen();
    BufferedImage img = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, s.width(), s.height(), s.pixels().clone(), 0, s.width());
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    if (!ImageIO.write(img, "png", png)) {
      throw new IOException("no PNG writer in this Java runtime");
    }
    dev.berth.vm.AtomicFiles.write(file, png.toByteArray());
  }

  // ---- input ----

  private void keyPressed(KeyEvent e) {
    KeyCode code = e.getCode();
    if (TerminalView.reservedForApp(code, e.isShiftDown(), e.isControlDown(), e.isAltDown())
        || isFullScreenKey(e)) {
      return;
    }
    boolean modifier = code == KeyCode.CONTROL || code == KeyCode.ALT || code == KeyCode.ALT_GRAPH;
    if (!modifier) {
      ctrlAltAlone = false;
    } else if (e.isControlDown() && e.isAltDown()) {
      ctrlAltAlone = true;
    }
    int keysym = FxKeysyms.of(code, e.getText(), e.isShiftDown());
    if (keysym != 0) {
      held.put(code, keysym);
      display.key(keysym, true);
    }
    e.consume(); // even an unknown key: Tab and the arrows must not move the focus or scroll
  }

  private void keyReleased(KeyEvent e) {
    Integer keysym = held.remove(e.getCode());
    if (keysym != null) {
      display.key(keysym, false);
      e.consume();
    }
    if (ctrlAltAlone && !e.isControlDown() && !e.isAltDown()) {
      // Ctrl+Alt pressed and released with nothing else: the guest lets go of the keyboard
      ctrlAltAlone = false;
      releaseAll();
      if (getParent() != null) {
        getParent().requestFocus();
      }
    }
  }

  /** F11 alone: full screen, the window's and never the guest's. */
  static boolean isFullScreenKey(KeyEvent e) {
    return e.getCode() == KeyCode.F11
        && !e.isControlDown()
        && !e.isAltDown()
        && !e.isShiftDown()
        && !e.isMetaDown();
  }

  /** Keys still down when the focus leaves would stay down in the guest. */
  private void releaseAll() {
    held.values().forEach(k -> display.key(k, false));
    held.clear();
  }

  private void mouse(MouseEvent e) {
    int buttons =
        (e.isPrimaryButtonDown() ? 1 : 0)
            | (e.isMiddleButtonDown() ? 2 : 0)
            | (e.isSecondaryButtonDown() ? 4 : 0);
    pointer(e.getX(), e.getY(), buttons);
  }

  /** The wheel as RFB's buttons 4 and 5; at 1:1 it scrolls the view instead. */
  private void wheel(ScrollEvent e) {
    if (!fit || e.getDeltaY() == 0) {
      return;
    }
    int button = e.getDeltaY() > 0 ? 8 : 16;
    pointer(e.getX(), e.getY(), button);
    pointer(e.getX(), e.getY(), 0);
    e.consume();
  }

  /** A point on the image, in its local (fitted) coordinates, as a guest pixel. */
  private void pointer(double localX, double localY, int buttons) {
    var shownSize = view.getLayoutBounds();
    if (width == 0 || shownSize.getWidth() <= 0 || shownSize.getHeight() <= 0) {
      return;
    }
    int x = (int) (localX * width / shownSize.getWidth());
    int y = (int) (localY * height / shownSize.getHeight());
    display.pointer(
        Math.max(0, Math.min(width - 1, x)), Math.max(0, Math.min(height - 1, y)), buttons);
  }
}
