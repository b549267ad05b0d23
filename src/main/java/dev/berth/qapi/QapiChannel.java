package dev.berth.qapi;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Opening the unix socket of a QMP monitor or an agent channel, with one line on failure. */
public final class QapiChannel {
  private QapiChannel() {}

  /**
   * Connects to {@code socket}.
   *
   * @param nothing what to say when nobody listens there, e.g. "nothing is listening"
   */
  public static SocketChannel open(Path socket, String nothing) throws IOException {
    try {
      return connect(socket);
    } catch (IOException e) {
      throw new IOException(socket + ": " + nothing + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Connects without ever blocking on the connect itself: a peer that is stopped (SIGSTOP) or hung
   * accepts nothing, and once its listen backlog is full a blocking connect would wait for ever.
   * Non-blocking, such a connect fails at once ("Resource temporarily unavailable").
   *
   * @return a connected channel in blocking mode
   */
  public static SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.configureBlocking(false);
      if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
        // not seen for unix sockets on Linux, which connect or refuse at once; be safe anyway
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!channel.finishConnect()) {
          if (System.nanoTime() > deadline) {
            throw new IOException("the connection was not accepted within 2 s");
          }
          Thread.onSpinWait();
        }
      }
      channel.configureBlocking(true);
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** Starts a client's reader on a daemon thread (after its channel field is set). */
  public static void startReader(String thread, Runnable reader) {
    Thread t = new Thread(reader, thread);
    t.setDaemon(true);
    t.start();
  }
}
