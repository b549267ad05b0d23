package dev.berth.backend.libvirt;

import com.sun.jna.Pointer;
import dev.berth.vm.RunningVm;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A domain's serial console through libvirt's console stream, so it works on a remote host as on
 * this one. The stream is non-blocking and read from libvirt's event loop when it has data, as
 * virsh console does: a blocking read on a thread of its own, aborted from another, left the
 * connection unusable for every later call. {@link #send} types; the stream ends with the run, the
 * connection, or {@link #close}.
 */
final class LibvirtConsole {
  private static final System.Logger LOG = System.getLogger(LibvirtConsole.class.getName());

  /** Frees ended streams, never from inside their own callback. */
  private static final ExecutorService FREER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "libvirt-console-free");
            t.setDaemon(true);
            return t;
          });

  private final LibvirtC c;
  private final Pointer stream;
  private final RunningVm.ConsoleSink sink;
  private final byte[] buf = new byte[4096];
  // libvirt keeps only the function pointer: the callback must stay reachable from here
  private final LibvirtC.StreamEventCallback readable = this::onEvent;

  /**
   * Held while the stream is used, and by the freer: the stream is freed only after a callback or a
   * send under way is done. No libvirt call that waits on libvirtd runs under it on libvirt's loop:
   * the abort and the free run on {@link #FREER}, so a silent host stalls no event.
   */
  private final Object using = new Object();

  private volatile boolean closed;

  private LibvirtConsole(LibvirtC c, Pointer stream, RunningVm.ConsoleSink sink) {
    this.c = c;
    this.stream = stream;
    this.sink = sink;
  }

  /**
   * Opens {@code name}'s first console and reads it into {@code sink} as data arrives.
   *
   * @param force take the console from another client (as {@code virsh console --force})
   * @throws IOException with libvirt's reason, e.g. another client holds the console
   */
  static LibvirtConsole open(
      LibvirtHost host, String name, boolean force, RunningVm.ConsoleSink sink) throws IOException {
    Pointer stream = host.openConsole(name, force ? LibvirtC.CONSOLE_FORCE : 0);
    LibvirtConsole console = new LibvirtConsole(host.c(), stream, sink);
    int events =
        LibvirtC.STREAM_EVENT_READABLE | LibvirtC.STREAM_EVENT_ERROR | LibvirtC.STREAM_EVENT_HANGUP;
    if (host.c().virStreamEventAddCallback(stream, events, console.readable, null, null) < 0) {
      String why = host.error();
      host.c().virStreamAbort(stream);
      host.c().virStreamFree(stream);
      throw new IOException("cannot watch " + name + "'s console: " + why);
    }
    return console;
  }

  /** On libvirt's event loop: everything the stream has now, then back to waiting. */
  private void onEvent(Pointer st, int events, Pointer opaque) {
    synchronized (using) {
      while (!closed) {
        int n = c.virStreamRecv(stream, buf, buf.length);
        if (n > 0) {
          sink.write(buf, 0, n);
        } else if (n == -2) {
          return; // nothing more for now
        } else {
          close(); // 0: the console's end; -1: the stream failed with the run or the connection
        }
      }
    }
  }

  /**
   * Bytes for the guest. The stream is non-blocking and takes what it has room for: the rest is
   * sent as room comes (at most 2 s, then dropped with a note in the log).
   */
  void send(byte[] bytes) {
    int off = 0;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    while (off < bytes.length && !closed) {
      int n;
      synchronized (using) {
        if (closed) {
          return;
        }
        byte[] rest = off == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, off, bytes.length);
        n = c.virStreamSend(stream, rest, rest.length);
      }
      if (n > 0) {
        off += n;
      } else if (n == -2 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5); // the stream is full for now: its room comes back as libvirt sends
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      } else {
        LOG.log(
            System.Logger.Level.DEBUG,
            "console input lost ("
                + (bytes.length - off)
                + " bytes): "
                + (n == -2 ? "the stream stayed full" : c.virGetLastErrorMessage()));
        return;
      }
    }
  }

  /**
   * Waits (at most 2 s) until the streams closed so far are aborted: libvirtd lets a console go
   * only then, and forcing a new one while an old abort is still to come loses the new one.
   */
  static void awaitClosed() {
    try {
      FREER.submit(() -> {}).get(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.log(System.Logger.Level.DEBUG, "earlier consoles still closing");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends the stream: no more reads or sends; the abort and the free happen off this thread. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    FREER.execute(
        () -> {
          synchronized (using) { // after any callback or send under way has returned
            c.virStreamEventRemoveCallback(stream);
            c.virStreamAbort(stream);
            c.virStreamFree(stream);
          }
        });
  }
}
