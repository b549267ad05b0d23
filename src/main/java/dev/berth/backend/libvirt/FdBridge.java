package dev.berth.backend.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.berth.vm.PrivateFiles;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor libvirt handed over (the graphics server's end, from {@code
 * virDomainOpenGraphicsFD}) joined to a Unix socket in a private directory, so Berth's RFB client,
 * which speaks to sockets, can use it. Two threads copy the bytes; when either side ends, both
 * close and the socket's directory goes.
 */
final class FdBridge implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FdBridge.class.getName());

  /** The few libc calls a raw descriptor needs. */
  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    long read(int fd, byte[] buf, long count);

    long write(int fd, byte[] buf, long count);

    int close(int fd);
  }

  private final int fd;
  private final Path dir;
  private final Path socket;
  private final ServerSocketChannel server;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile SocketChannel peer;

  private FdBridge(int fd, Path dir, ServerSocketChannel server) {
    this.fd = fd;
    this.dir = dir;
    this.socket = dir.resolve("display.sock");
    this.server = server;
  }

  /** Bridges {@code fd} (now owned by the bridge); connect to {@link #socket()} once. */
  static FdBridge open(int fd, String name) throws IOException {
    Path dir = Files.createTempDirectory("berth-display-");
    PrivateFiles.directory(dir);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    FdBridge b = new FdBridge(fd, dir, server);
    server.bind(UnixDomainSocketAddress.of(b.socket));
    Thread t = new Thread(b::serve, "libvirt-display-" + name);
    t.setDaemon(true);
    t.start();
    return b;
  }

  Path socket() {
    return socket;
  }

  private void serve() {
    try {
      peer = server.accept();
      server.close();
      Files.deleteIfExists(socket);
      Thread back = new Thread(this::toFd, Thread.currentThread().getName() + "-in");
      back.setDaemon(true);
      back.start();
      byte[] buf = new byte[65536];
      long n;
      while ((n = LibC.INSTANCE.read(fd, buf, buf.length)) > 0) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) n);
        while (bb.hasRemaining()) {
          peer.write(bb);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "display bridge: " + e.getMessage());
    } finally {
      close();
    }
  }

  private void toFd() {
    ByteBuffer bb = ByteBuffer.allocate(65536);
    try {
      while (peer.read(bb) > 0) {
        int off = 0;
        while (off < bb.position()) {
          byte[] chunk = java.util.Arrays.copyOfRange(bb.array(), off, bb.position());
          long w = LibC.INSTANCE.write(fd, chunk, chunk.length);
          if (w <= 0) {
            return;
          }
          off += (int) w;
        }
        bb.clear();
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LibC.INSTANCE.close(fd); // ends the reader's read
    try {
      server.close();
      if (peer != null) {
        peer.close();
      }
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "display bridge cleanup: " + e.getMessage());
    }
  }
}
