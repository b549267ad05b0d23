package dev.berth.qapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A unix-socket peer that follows a script, for the edge cases of the QMP and agent clients
 * (garbage, a line cut by EOF, silence) that real QEMU and real agents do not produce on demand.
 */
public final class ScriptedPeer implements AutoCloseable {
  private final Path dir;
  private final Path socket;
  private final ServerSocketChannel server;

  public ScriptedPeer(String name) throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "sp");
    socket = dir.resolve(name);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  public Path socket() {
    return socket;
  }

  public Path dir() {
    return dir;
  }

  /** Runs {@code script} for the one client that connects, on another thread. */
  public void play(Consumer<SocketChannel> script) {
    CompletableFuture.runAsync(
        () -> {
          try (SocketChannel ch = server.accept()) {
            script.accept(ch);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  public static void send(SocketChannel ch, byte[] b) {
    try {
      ch.write(ByteBuffer.wrap(b));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void send(SocketChannel ch, String s) {
    send(ch, s.getBytes(StandardCharsets.UTF_8));
  }

  /** One request line, without a leading 0xFF (the agent protocol's delimiter). */
  public static String readLine(SocketChannel ch) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    try {
      while (ch.read(one.clear()) > 0) {
        int b = one.get(0) & 0xFF;
        if (b == '\n') {
          break;
        }
        if (b != 0xFF) {
          line.write(b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** The {@code "id"} number of a request line. */
  public static String idOf(String request) {
    return request.replaceAll(".*\"id\":(\\d+).*", "$1");
  }

  /** The peer plays a slow, hung or silent server. */
  public static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }
}
