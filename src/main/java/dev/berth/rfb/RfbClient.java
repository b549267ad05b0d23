package dev.berth.rfb;

import dev.berth.display.GuestDisplay;
import dev.berth.display.ScreenBuffer;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A VNC (RFB 3.8, RFC 6143) client for a guest screen on a unix socket, such as QEMU's {@code
 * -display vnc=unix:PATH}. Security type None only; pixels as x8r8g8b8; encodings ZRLE, CopyRect,
 * Raw and the DesktopSize pseudo-encoding. A reader thread decodes updates into the screen and asks
 * for the next one; a writer thread sends keys and pointer moves, so no caller ever waits on the
 * socket. Any error ends the connection with one readable line ({@link #failure()}).
 */
public final class RfbClient implements GuestDisplay, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RfbClient.class.getName());
  private static final int RAW = 0;
  private static final int COPY_RECT = 1;
  private static final int ZRLE = 16;
  private static final int DESKTOP_SIZE = -223;
  private static final List<Integer> ENCODINGS = List.of(ZRLE, COPY_RECT, RAW, DESKTOP_SIZE);

  /** Input the server has not read yet: beyond this it has stopped reading, so give up. */
  private static final int MAX_QUEUED = 4096;

  private static final ByteBuffer STOP = ByteBuffer.allocate(0);

  private final SocketChannel channel;
  private final RfbInput in;
  private final ZrleDecoder zrle = new ZrleDecoder();
  private final BlockingQueue<ByteBuffer> outbox = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScreenBuffer screen;
  private volatile String name = "";
  private byte[] row = new byte[0];

  private RfbClient(SocketChannel channel) {
    this.channel = channel;
    this.in = new RfbInput(channel);
  }

  /**
   * Connects to the VNC server on {@code socket} and completes the handshake within {@code
   * timeout}; the screen then updates by itself until {@link #close()}. Blocks: call it off the FX
   * thread.
   */
  public static RfbClient connect(Path socket, Duration timeout) throws IOException {
    SocketChannel ch;
    try {
      ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new RfbException(
          "cannot connect to the VNC server on " + socket + ": " + e.getMessage(), e);
    }
    RfbClient c = new RfbClient(ch);
    Thread reader = new Thread(c::read, "berth-rfb-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      c.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      c.fail(
          new RfbException(
              "the VNC server on " + socket + " did not answer in " + timeout.toMillis() + " ms"));
    } catch (ExecutionException e) {
      // failure() says why
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new RfbException("interrupted while connecting to the VNC server", e);
    }
    String why = c.failure();
    if (why != null) {
      c.close();
      throw new RfbException(why);
    }
    return c;
  }

  /** The desktop name the server announced (QEMU: the VM's {@code -name}, or "QEMU"). */
  public String name() {
    return name;
  }

  /** Why the connection ended, or null while it runs (and after a plain {@link #close()}). */
  public String failure() {
    return ended.isDone() ? ended.join() : null;
  }

  /**
   * Calls {@code listener} once with the reason if the connection fails, on the thread that saw the
   * failure (the caller's, at once, if it already has). Not called for {@link #close()}.
   */
  public void onFailure(Consumer<String> listener) {
    ended.thenAccept(
        why -> {
          if (why != null) {
            listener.accept(why);
          }
        });
  }

  @Override
  public Screen screen() {
    return screen.screen();
  }

  @Override
  public Damage takeDamage() {
    return screen.takeDamage();
  }

  @Override
  public void key(int keysym, boolean down) {
    ByteBuffer m = ByteBuffer.allocate(8);
    m.put((byte) 4).put((byte) (down ? 1 : 0)).putShort((short) 0).putInt(keysym);
    send(m.flip());
  }

  @Override
  public void pointer(int x, int y, int buttons) {
    Screen s = screen();
    int cx = Math.max(0, Math.min(s.width() - 1, x));
    int cy = Math.max(0, Math.min(s.height() - 1, y));
    ByteBuffer m = ByteBuffer.allocate(6);
    m.put((byte) 5).put((byte) buttons).putShort((short) cx).putShort((short) cy);
    send(m.flip());
  }

  /** Ends the connection and both threads; safe to call more than once, from any thread. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ended.complete(null);
      outbox.clear();
      outbox.offer(STOP);
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the VNC socket", e);
      }
    }
  }

  private void fail(RfbException e) {
    if (!closed.get() && ended.complete(e.getMessage())) {
      LOG.log(System.Logger.Level.INFO, "VNC connection ended: " + e.getMessage());
      LOG.log(System.Logger.Level.DEBUG, "VNC connection ended", e);
    }
    ready.completeExceptionally(e);
    close();
  }

  private void send(ByteBuffer message) {
    if (closed.get()) {
      return;
    }
    if (!outbox.offer(message)) {
      fail(new RfbException("the VNC server stopped reading input"));
    }
  }

  // ---- the reader thread ----

  private void read() {
    try {
      handshake();
      Thread writer = new Thread(this::write, "berth-rfb-writer");
      writer.setDaemon(true);
      writer.start();
      ready.complete(null);
      while (true) {
        message();
      }
    } catch (RfbException e) {
      fail(e);
    } catch (ClosedChannelException e) {
      fail(new RfbException("the VNC connection was closed", e));
    } catch (java.net.SocketException e) {
      // a reset is the server going away with our last request unread, as QEMU does on exit
      fail(new RfbException("the VNC server closed the connection", e));
    } catch (IOException e) {
      fail(new RfbException("the VNC connection broke: " + e.getMessage(), e));
    } catch (RuntimeException e) {
      fail(new RfbException("the VNC server sent something Berth cannot read: " + e, e));
    } finally {
      zrle.close();
    }
  }

  private void handshake() throws IOException {
    byte[] version = new byte[12];
    in.bytes(version, 0, 12);
    String v = new String(version, StandardCharsets.ISO_8859_1);
    if (!v.matches("RFB \\d{3}\\.\\d{3}\n")) {
      throw new RfbException("not a VNC server: it greeted with \"" + printable(v) + "\"");
    }
    int major = Integer.parseInt(v.substring(4, 7));
    int minor = Integer.parseInt(v.substring(8, 11));
    if (major < 3 || major == 3 && minor < 8) {
      throw new RfbException(
          "the VNC server speaks RFB " + major + "." + minor + "; Berth needs 3.8");
    }
    writeNow(ByteBuffer.wrap("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)));
    security();
    writeNow(ByteBuffer.wrap(new byte[] {1})); // ClientInit: shared, other viewers stay
    int width = in.u16();
    int height = in.u16();
    in.skip(16); // its pixel format: replaced by ours below
    name = in.string(4096);
    checkSize(width, height);
    screen = new ScreenBuffer(width, height);
    writeNow(pixelFormat());
    writeNow(encodings());
    writeNow(updateRequest(false, width, height));
  }

  private void security() throws IOException {
    int count = in.u8();
    if (count == 0) {
      throw new RfbException("the VNC server refused the connection: " + in.string(4096));
    }
    boolean none = false;
    StringBuilder offered = new StringBuilder();
    for (int i = 0; i < count; i++) {
      int type = in.u8();
      none |= type == 1;
      offered.append(offered.length() == 0 ? "" : ", ").append(securityName(type));
    }
    if (!none) {
      throw new RfbException(
          "the VNC server asks for "
              + offered
              + "; Berth connects only without authentication (a local socket needs none)");
    }
    writeNow(ByteBuffer.wrap(new byte[] {1}));
    if (in.s32() != 0) {
      throw new RfbException("the VNC server rejected the connection: " + in.string(4096));
    }
  }

  private static String securityName(int type) {
    return switch (type) {
      case 2 -> "a VNC password (security type 2)";
      case 18 -> "TLS (security type 18)";
      case 19 -> "VeNCrypt (security type 19)";
      default -> "security type " + type;
    };
  }

  private static String printable(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static ByteBuffer pixelFormat() {
    ByteBuffer m = ByteBuffer.allocate(20);
    m.put((byte) 0).put(new byte[3]);
    // 32 bits per pixel, depth 24, little-endian, true colour, 8 bits per channel: x8r8g8b8.
    m.put((byte) 32).put((byte) 24).put((byte) 0).put((byte) 1);
    m.putShort((short) 255).putShort((short) 255).putShort((short) 255);
    m.put((byte) 16).put((byte) 8).put((byte) 0).put(new byte[3]);
    return m.flip();
  }

  private static ByteBuffer encodings() {
    ByteBuffer m = ByteBuffer.allocate(4 + 4 * ENCODINGS.size());
    m.put((byte) 2).put((byte) 0).putShort((short) ENCODINGS.size());
    ENCODINGS.forEach(m::putInt);
    return m.flip();
  }

  private static ByteBuffer updateRequest(boolean incremental, int width, int height) {
    ByteBuffer m = ByteBuffer.allocate(10);
    m.put((byte) 3).put((byte) (incremental ? 1 : 0)).putInt(0);
    m.putShort((short) width).putShort((short) height);
    return m.flip();
  }

  private void message() throws IOException {
    int type = in.u8();
    switch (type) {
      case 0 -> framebufferUpdate();
      case 1 -> { // SetColourMapEntries: only for colour-mapped formats, not ours
        in.skip(3);
        in.skip(6L * in.u16());
      }
      case 2 -> {} // Bell
      case 3 -> { // ServerCutText: the guest's clipboard, not shared
        in.skip(3);
        in.skip(in.u32());
      }
      default ->
          throw new RfbException("the VNC server sent an unknown message (type " + type + ")");
    }
  }

  private void framebufferUpdate() throws IOException {
    in.skip(1);
    int rects = in.u16();
    boolean resized = false;
    for (int i = 0; i < rects; i++) {
      int x = in.u16();
      int y = in.u16();
      int w = in.u16();
      int h = in.u16();
      int encoding = in.s32();
      if (encoding == DESKTOP_SIZE) {
        checkSize(w, h);
        screen.resize(w, h);
        resized = true;
        continue;
      }
      Screen s = screen.screen();
      if (x + w > s.width() || y + h > s.height()) {
        throw new RfbException(
            "the VNC server drew outside its " + s.width() + "x" + s.height() + " screen");
      }
      switch (encoding) {
        case RAW -> raw(s, x, y, w, h);
        case COPY_RECT -> copyRect(s, x, y, w, h);
        case ZRLE -> zrle.decode(in, s.pixels(), s.width(), x, y, w, h);
        default -> throw new RfbException("the VNC server used encoding " + encoding + " unasked");
      }
      screen.markDirty(x, y, w, h);
    }
    Screen s = screen.screen();
    send(updateRequest(!resized, s.width(), s.height()));
  }

  private static void checkSize(int w, int h) throws RfbException {
    if (w <= 0 || h <= 0 || w > ScreenBuffer.MAX_SIDE || h > ScreenBuffer.MAX_SIDE) {
      throw new RfbException("the VNC server announced an impossible screen of " + w + "x" + h);
    }
  }

  private void raw(Screen s, int x, int y, int w, int h) throws IOException {
    if (row.length < w * 4) {
      row = new byte[w * 4];
    }
    int[] px = s.pixels();
    for (int r = 0; r < h; r++) {
      in.bytes(row, 0, w * 4);
      int at = (y + r) * s.width() + x;
      for (int c = 0, b = 0; c < w; c++, b += 4) {
        px[at + c] = (row[b + 2] & 0xff) << 16 | (row[b + 1] & 0xff) << 8 | row[b] & 0xff;
      }
    }
  }

  private void copyRect(Screen s, int x, int y, int w, int h) throws IOException {
    int sx = in.u16();
    int sy = in.u16();
    if (sx + w > s.width() || sy + h > s.height()) {
      throw new RfbException("the VNC server copied from outside its screen");
    }
    int[] px = s.pixels();
    int stride = s.width();
    // Rows in the order that never reads a row already overwritten.
    for (int i = 0; i < h; i++) {
      int r = sy < y ? h - 1 - i : i;
      System.arraycopy(px, (sy + r) * stride + sx, px, (y + r) * stride + x, w);
    }
  }

  private void writeNow(ByteBuffer m) throws IOException {
    while (m.hasRemaining()) {
      channel.write(m);
    }
  }

  // ---- the writer thread ----

  private void write() {
    try {
      for (ByteBuffer m = outbox.take(); m != STOP; m = outbox.take()) {
        writeNow(m);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      fail(new RfbException("cannot send to the VNC server: " + e.getMessage(), e));
    }
  }
}
