package dev.berth.backend.libvirt;

import com.sun.jna.Pointer;
import dev.berth.vm.RunningVm;
import java.io.IOException;

/**
 * A domain's serial console through libvirt's console stream, so it works on a remote host as on
 * this one: a reader thread hands the guest's bytes to the sink, {@link #send} types. The stream
 * ends with the run or the connection; {@link #close} ends it sooner.
 */
final class LibvirtConsole {
  private static final System.Logger LOG = System.getLogger(LibvirtConsole.class.getName());

  private final LibvirtC c;
  private final Pointer stream;
  private volatile boolean closed;

  private LibvirtConsole(LibvirtC c, Pointer stream) {
    this.c = c;
    this.stream = stream;
  }

  /**
   * Opens {@code name}'s first console and starts reading it into {@code sink}.
   *
   * @param force take the console from another client (as {@code virsh console --force})
   * @throws IOException with libvirt's reason, e.g. another client holds the console
   */
  static LibvirtConsole open(
      LibvirtHost host, String name, boolean force, RunningVm.ConsoleSink sink) throws IOException {
    Pointer stream = host.openConsole(name, force ? LibvirtC.CONSOLE_FORCE : 0);
    LibvirtConsole console = new LibvirtConsole(host.c(), stream);
    Thread reader = new Thread(() -> console.read(sink), "libvirt-console-" + name);
    reader.setDaemon(true);
    reader.start();
    return console;
  }

  private void read(RunningVm.ConsoleSink sink) {
    byte[] buf = new byte[4096];
    try {
      int n;
      while (!closed && (n = c.virStreamRecv(stream, buf, buf.length)) > 0) {
        sink.write(buf, 0, n);
      }
    } finally {
      synchronized (this) {
        if (!closed) {
          closed = true;
          c.virStreamAbort(stream);
        }
        c.virStreamFree(stream);
      }
    }
  }

  /** Bytes for the guest; lost, with a note in the log, once the stream has ended. */
  synchronized void send(byte[] bytes) {
    if (closed) {
      return;
    }
    if (c.virStreamSend(stream, bytes, bytes.length) < 0) {
      LOG.log(System.Logger.Level.DEBUG, "console input lost: " + c.virGetLastErrorMessage());
    }
  }

  /** Ends the stream; the reader thread frees it. */
  synchronized void close() {
    if (!closed) {
      closed = true;
      c.virStreamAbort(stream);
    }
  }
}
