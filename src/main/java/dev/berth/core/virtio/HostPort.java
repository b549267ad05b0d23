package dev.berth.core.virtio;

import dev.berth.core.dev.HostInput;

/**
 * The host end of a named virtio-serial port, as QEMU's chardev behind a {@code virtserialport}: a
 * byte stream to and from a program in the guest, plus both sides' open state. Any thread may
 * connect, send and disconnect; the machine's worker thread delivers to the guest between slices
 * and calls the {@link Listener} with what the guest writes.
 */
public final class HostPort {
  /** Called on the worker thread; must not block. */
  public interface Listener {
    /** Bytes the guest wrote; copy them, the array is reused. */
    void fromGuest(byte[] b, int off, int len);

    /** A program in the guest opened ({@code true}) or closed the port. */
    default void guestOpen(boolean open) {}
  }

  private final String name;
  private final HostInput toGuest;
  private final Runnable wake;
  private volatile Listener listener;
  private volatile boolean guestOpen;
  private volatile boolean guestReady;

  HostPort(String name, int buffer, Runnable wake) {
    this.name = name;
    this.wake = wake;
    this.toGuest = new HostInput(buffer, wake);
  }

  public String name() {
    return name;
  }

  /**
   * The host side connects: the guest sees the port open (PORT_OPEN), and the listener gets what
   * the guest writes from now on.
   */
  public void connect(Listener l) {
    listener = l;
    wake.run();
  }

  /**
   * The host side goes away: the guest sees the port closed; bytes not yet delivered are dropped.
   */
  public void disconnect() {
    listener = null;
    toGuest.clear();
    wake.run();
  }

  public boolean isHostConnected() {
    return listener != null;
  }

  /** True once the guest's driver has set the port up (PORT_READY), until the device is reset. */
  public boolean isGuestReady() {
    return guestReady;
  }

  /** True while a program in the guest has the port open. */
  public boolean isGuestOpen() {
    return guestOpen;
  }

  /**
   * Queues bytes for the guest; returns how many fit (retry the rest later). They are delivered
   * while the guest has the port open; bytes sent while no host is connected are dropped.
   */
  public int send(byte[] b, int off, int len) {
    return listener == null ? len : toGuest.offer(b, off, len);
  }

  // ---- the device's side (worker thread) ----------------------------------------------------

  HostInput toGuest() {
    return toGuest;
  }

  Listener listener() {
    return listener;
  }

  void setGuestReady(boolean ready) {
    guestReady = ready;
  }

  void setGuestOpen(boolean open) {
    if (open != guestOpen) {
      guestOpen = open;
      Listener l = listener;
      if (l != null) {
        l.guestOpen(open);
      }
    }
  }
}
