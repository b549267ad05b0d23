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
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new IOException(socket + ": " + nothing + " (" + e.getMessage() + ")", e);
    }
    return channel;
  }

  /** Starts a client's reader on a daemon thread (after its channel field is set). */
  public static void startReader(String thread, Runnable reader) {
    Thread t = new Thread(reader, thread);
    t.setDaemon(true);
    t.start();
  }
}
