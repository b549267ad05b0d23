package dev.berth.app;

import dev.berth.core.dev.SimpleFramebuffer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import javafx.animation.AnimationTimer;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javax.imageio.ImageIO;

/**
 * The graphical console: shows a guest framebuffer through a {@link PixelBuffer}-backed image,
 * copying only the rows the guest changed, once per frame. Fit-to-window or 1:1.
 */
public final class FramebufferView extends StackPane {
  private final SimpleFramebuffer fb;
  private final IntBuffer shown;
  private final PixelBuffer<IntBuffer> buffer;
  private final ImageView view;
  private final ScrollPane oneToOne = new ScrollPane();
  private boolean fit = true;
  private final AnimationTimer pulse =
      new AnimationTimer() {
        @Override
        public void handle(long now) {
          refresh();
        }
      };

  public FramebufferView(SimpleFramebuffer fb) {
    this.fb = fb;
    int w = SimpleFramebuffer.WIDTH;
    int h = SimpleFramebuffer.HEIGHT;
    this.shown = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
    this.buffer = new PixelBuffer<>(w, h, shown, PixelFormat.getIntArgbPreInstance());
    this.view = new ImageView(new WritableImage(buffer));
    view.setPreserveRatio(true);
    view.setSmooth(true);
    getStyleClass().add("framebuffer");
    setFit(true);
    sceneProperty()
        .addListener(
            (o, was, is) -> {
              if (is != null) {
                pulse.start();
              } else {
                pulse.stop();
              }
            });
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
    return SimpleFramebuffer.WIDTH;
  }

  @Override
  protected double computePrefHeight(double width) {
    return SimpleFramebuffer.HEIGHT;
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
      view.setFitWidth(0);
      view.setFitHeight(0);
      oneToOne.setContent(view);
      getChildren().add(oneToOne);
    }
  }

  public boolean isFit() {
    return fit;
  }

  /** Copies the rows the guest changed since the last frame into the image. */
  void refresh() {
    long rows = fb.takeDirtyRows();
    if (rows < 0) {
      return;
    }
    int top = (int) (rows >>> 32);
    int bottom = (int) rows;
    int w = SimpleFramebuffer.WIDTH;
    int[] src = fb.pixels();
    for (int i = top * w, end = (bottom + 1) * w; i < end; i++) {
      shown.put(i, 0xff000000 | src[i]);
    }
    buffer.updateBuffer(b -> new Rectangle2D(0, top, w, bottom - top + 1));
  }

  /** Writes what the guest shows now as a PNG. */
  public void saveScreenshot(Path file) throws IOException {
    int w = SimpleFramebuffer.WIDTH;
    int h = SimpleFramebuffer.HEIGHT;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, w, h, fb.pixels().clone(), 0, w);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    if (!ImageIO.write(img, "png", png)) {
      throw new IOException("no PNG writer in this Java runtime");
    }
    dev.berth.vm.AtomicFiles.write(file, png.toByteArray());
  }
}
