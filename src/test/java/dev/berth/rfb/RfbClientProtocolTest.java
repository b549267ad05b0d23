package dev.berth.rfb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of the protocol a real QEMU does not show: garbage, a server that stops mid-message or
 * says nothing, authentication Berth does not do, overlapping copies, every ZRLE tile type. The
 * server here is a script on a unix socket.
 */
class RfbClientProtocolTest {
  @TempDir Path dir;
  private ServerSocketChannel server;
  private RfbClient client;

  interface Script {
    void run(Peer peer) throws Exception;
  }

  /** The server's side of one connection. */
  static final class Peer {
    final SocketChannel ch;

    Peer(SocketChannel ch) {
      this.ch = ch;
    }

    void send(byte[]... parts) throws IOException {
      for (byte[] p : parts) {
        ByteBuffer b = ByteBuffer.wrap(p);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }

    byte[] read(int n) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(n);
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          throw new IOException("client closed");
        }
      }
      return b.array();
    }

    /**
     * A complete handshake for a {@code w}×{@code h} screen, and the client's three setup messages.
     */
    void handshake(int w, int h) throws IOException {
      greet();
      acceptWithoutAuthentication();
      send(u16(w), u16(h), new byte[16], u32(4), ascii("test"));
      read(20 + 4 + 4 * 4 + 10);
    }

    /** The ProtocolVersion exchange. */
    void greet() throws IOException {
      send(ascii("RFB 003.008\n"));
      read(12);
    }

    /** Security type None offered, chosen and passed, then ClientInit. */
    void acceptWithoutAuthentication() throws IOException {
      send(new byte[] {1, 1});
      read(1);
      send(u32(0));
      read(1);
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  static byte[] u32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  /** A FramebufferUpdate header for {@code n} rectangles. */
  static byte[] update(int n) {
    return new byte[] {0, 0, (byte) (n >> 8), (byte) n};
  }

  static byte[] rect(int x, int y, int w, int h, int encoding) {
    return ByteBuffer.allocate(12)
        .putShort((short) x)
        .putShort((short) y)
        .putShort((short) w)
        .putShort((short) h)
        .putInt(encoding)
        .array();
  }

  /** Pixels as the client asked for them: x8r8g8b8, little-endian. */
  static byte[] pixels(int... rgb) {
    ByteBuffer b = ByteBuffer.allocate(4 * rgb.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    Arrays.stream(rgb).forEach(b::putInt);
    return b.array();
  }

  private Path serve(Script script) throws IOException {
    Path socket = dir.resolve("vnc.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread t =
        new Thread(
            () -> {
              try (SocketChannel ch = server.accept()) {
                script.run(new Peer(ch));
              } catch (Exception e) {
                // The client hung up first: what some tests want.
              }
            },
            "fake-vnc-server");
    t.setDaemon(true);
    t.start();
    return socket;
  }

  @AfterEach
  void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private String connectFails(Script script) throws IOException {
    Path socket = serve(script);
    return assertThrows(RfbException.class, () -> RfbClient.connect(socket, Duration.ofSeconds(5)))
        .getMessage();
  }

  /** Connects through a full handshake, then the script goes on; returns why the client ended. */
  private String endsWith(int w, int h, Script after) throws Exception {
    CompletableFuture<Void> more = new CompletableFuture<>();
    Path socket =
        serve(
            p -> {
              p.handshake(w, h);
              more.get(5, TimeUnit.SECONDS);
              after.run(p);
            });
    client = RfbClient.connect(socket, Duration.ofSeconds(5));
    CompletableFuture<String> why = new CompletableFuture<>();
    client.onFailure(why::complete);
    more.complete(null);
    return why.get(5, TimeUnit.SECONDS);
  }

  @Test
  void somethingElseThanVncIsNamedAsSuch() throws Exception {
    String why = connectFails(p -> p.send(ascii("HTTP/1.1 400 Bad Request\r\n\r\n")));
    assertTrue(why.startsWith("not a VNC server: it greeted with \"HTTP/1.1 400\""), why);
  }

  @Test
  void passwordAuthenticationIsRefusedClearly() throws Exception {
    String why =
        connectFails(
            p -> {
              p.greet();
              p.send(new byte[] {1, 2});
              p.read(1);
            });
    assertEquals(
        "the VNC server asks for a VNC password (security type 2); Berth connects only without"
            + " authentication (a local socket needs none)",
        why);
  }

  @Test
  void anEndInTheMiddleOfServerInitIsAnError() throws Exception {
    String why =
        connectFails(
            p -> {
              p.greet();
              p.acceptWithoutAuthentication();
              p.send(u16(640));
            });
    assertEquals("the VNC server closed the connection", why);
  }

  @Test
  void aServerThatSaysNothingTimesOut() throws Exception {
    CompletableFuture<Void> hold = new CompletableFuture<>();
    Path socket = serve(p -> hold.get(10, TimeUnit.SECONDS));
    long t0 = System.nanoTime();
    RfbException e =
        assertThrows(RfbException.class, () -> RfbClient.connect(socket, Duration.ofMillis(300)));
    hold.complete(null);
    assertTrue(e.getMessage().endsWith("did not answer in 300 ms"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void anEndInTheMiddleOfAnUpdateEndsTheConnection() throws Exception {
    String why = endsWith(4, 4, p -> p.send(update(1), rect(0, 0, 2, 2, 0), new byte[6]));
    assertEquals("the VNC server closed the connection", why);
    assertEquals("the VNC server closed the connection", client.failure());
  }

  @Test
  void anUnknownMessageEndsTheConnection() throws Exception {
    String why = endsWith(4, 4, p -> p.send(new byte[] {77, 1, 2, 3}));
    assertEquals("the VNC server sent an unknown message (type 77)", why);
  }

  @Test
  void aRectangleOutsideTheScreenEndsTheConnection() throws Exception {
    String why = endsWith(64, 64, p -> p.send(update(1), rect(60, 60, 10, 10, 0)));
    assertEquals("the VNC server drew outside its 64x64 screen", why);
  }

  @Test
  void corruptZrleEndsTheConnection() throws Exception {
    byte[] junk = {1, 2, 3, 4, 5, 6, 7, 8};
    String why = endsWith(4, 4, p -> p.send(update(1), rect(0, 0, 4, 4, 16), u32(8), junk));
    assertEquals("the VNC server sent corrupt ZRLE data", why);
  }

  /** Runs a script after the handshake; returns the screen once the client has drawn it all. */
  private int[] drawn(int w, int h, Script draw) throws Exception {
    CompletableFuture<Void> asked = new CompletableFuture<>();
    Path socket =
        serve(
            p -> {
              p.handshake(w, h);
              draw.run(p);
              p.read(10); // the client asks for the next update only after drawing this one
              asked.complete(null);
              p.read(1);
            });
    client = RfbClient.connect(socket, Duration.ofSeconds(5));
    asked.get(5, TimeUnit.SECONDS);
    return client.screen().pixels().clone();
  }

  @Test
  void overlappingCopiesMoveThePixelsOnce() throws Exception {
    // Column 0 gets 1, 2, 3, 4 top to bottom, then moves down a row (source above the target),
    // and row 0 moves right by one (source left of the target).
    int[] px =
        drawn(
            4,
            4,
            p ->
                p.send(
                    update(3),
                    rect(0, 0, 1, 4, 0),
                    pixels(1, 2, 3, 4),
                    rect(0, 1, 1, 3, 1),
                    u16(0),
                    u16(0),
                    rect(1, 3, 3, 1, 1),
                    u16(0),
                    u16(3)));
    assertArrayEquals(new int[] {1, 1, 2, 3}, new int[] {px[0], px[4], px[8], px[12]});
    assertArrayEquals(new int[] {3, 3, 0, 0}, Arrays.copyOfRange(px, 12, 16));
  }

  @Test
  void everyZrleTileTypeDecodes() throws Exception {
    // One rectangle of 66x2: a 64x2 tile and a 2x2 tile, in two updates sharing one zlib stream.
    int red = 0xff0000;
    int green = 0x00ff00;
    int blue = 0x0000ff;
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    first.write(128); // plain RLE: 100 red pixels (run bytes 99 -> 1 + 99), then 28 blue
    first.write(cpixel(red), 0, 3);
    first.write(99);
    first.write(cpixel(blue), 0, 3);
    first.write(27);
    first.write(0); // raw
    for (int c : new int[] {red, green, blue, green}) {
      first.write(cpixel(c), 0, 3);
    }
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    second.write(130 + 1); // palette RLE, 3 colours: index 2 run of 127, then index 0 once
    for (int c : new int[] {red, green, blue}) {
      second.write(cpixel(c), 0, 3);
    }
    second.write(0x80 | 2);
    second.write(126);
    second.write(0);
    second.write(3); // packed palette, 3 colours, 2 bits a pixel, each row from a byte boundary
    for (int c : new int[] {red, green, blue}) {
      second.write(cpixel(c), 0, 3);
    }
    second.write(0b0110_0000);
    second.write(0b1000_0000);
    Deflater z = new Deflater();
    byte[] a = deflate(z, first.toByteArray());
    byte[] b = deflate(z, second.toByteArray());
    int[] px =
        drawn(
            66,
            4,
            p ->
                p.send(
                    update(2),
                    rect(0, 0, 66, 2, 16),
                    u32(a.length),
                    a,
                    rect(0, 2, 66, 2, 16),
                    u32(b.length),
                    b));
    assertEquals(red, px[0]);
    assertEquals(red, px[66 + 35]); // pixel 99 of the first tile: row 1, column 35
    assertEquals(blue, px[66 + 36]);
    assertEquals(blue, px[66 + 63]);
    assertArrayEquals(new int[] {red, green}, Arrays.copyOfRange(px, 64, 66));
    assertArrayEquals(new int[] {blue, green}, Arrays.copyOfRange(px, 66 + 64, 66 + 66));
    assertEquals(blue, px[2 * 66]);
    assertEquals(blue, px[3 * 66 + 62]);
    assertEquals(red, px[3 * 66 + 63]);
    assertArrayEquals(new int[] {green, blue}, Arrays.copyOfRange(px, 2 * 66 + 64, 2 * 66 + 66));
    assertArrayEquals(new int[] {blue, red}, Arrays.copyOfRange(px, 3 * 66 + 64, 3 * 66 + 66));
  }

  private static byte[] cpixel(int rgb) {
    return new byte[] {(byte) rgb, (byte) (rgb >> 8), (byte) (rgb >> 16)};
  }

  private static byte[] deflate(Deflater z, byte[] data) {
    z.setInput(data);
    byte[] out = new byte[data.length + 64];
    int n = z.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    return Arrays.copyOf(out, n);
  }
}
