package dev.berth.backend.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of libvirt's C API Berth uses ({@code libvirt.so.0} and {@code libvirt-qemu.so.0}),
 * mapped by hand with JNA: the Java binding on Maven Central lacks shutdown and destroy flags,
 * state reasons, and the QEMU monitor's events. Loaded on first use; where the library is missing,
 * {@link #load()} says what to install.
 */
interface LibvirtC extends Library {
  // virDomainState
  int STATE_RUNNING = 1;
  int STATE_BLOCKED = 2;
  int STATE_PAUSED = 3;
  int STATE_SHUTDOWN = 4;
  int STATE_SHUTOFF = 5;
  int STATE_CRASHED = 6;
  int STATE_PMSUSPENDED = 7;

  // virDomainEventType and the details Berth reads
  int EVENT_DEFINED = 0;
  int EVENT_UNDEFINED = 1;
  int EVENT_STARTED = 2;
  int EVENT_SUSPENDED = 3;
  int EVENT_RESUMED = 4;
  int EVENT_STOPPED = 5;
  int EVENT_SHUTDOWN = 6;
  int EVENT_PMSUSPENDED = 7;
  int EVENT_CRASHED = 8;
  int STOPPED_SHUTDOWN = 0;
  int STOPPED_DESTROYED = 1;
  int STOPPED_CRASHED = 2;
  int STOPPED_SAVED = 4;
  int STOPPED_FAILED = 5;

  /** libvirt ended this QEMU to go back to a snapshot (another QEMU may start in its place). */
  int STOPPED_FROM_SNAPSHOT = 6;

  int EVENT_ID_LIFECYCLE = 0;

  int SHUTDOWN_DEFAULT = 0;
  int SHUTDOWN_ACPI_POWER_BTN = 1;
  int SHUTDOWN_GUEST_AGENT = 2;
  int REBOOT_ACPI_POWER_BTN = 1;
  int REBOOT_GUEST_AGENT = 2;
  int DESTROY_DEFAULT = 0;
  int DESTROY_GRACEFUL = 1;
  int KEYCODE_SET_LINUX = 0;
  int CONNECT_LIST_DOMAINS_ACTIVE = 1;

  // virConnectCloseReason
  int CLOSE_REASON_ERROR = 0;
  int CLOSE_REASON_EOF = 1;
  int CLOSE_REASON_KEEPALIVE = 2;
  int CLOSE_REASON_CLIENT = 3;

  int GRAPHICS_SKIPAUTH = 1;
  int CONSOLE_FORCE = 1;
  int CONSOLE_SAFE = 2;

  /** {@code virConnectCloseFunc}: the connection is gone (reason: {@code CLOSE_REASON_*}). */
  interface CloseCallback extends Callback {
    void invoke(Pointer conn, int reason, Pointer opaque);
  }

  /** {@code virConnectDomainEventCallback} for lifecycle events. */
  interface LifecycleCallback extends Callback {
    int invoke(Pointer conn, Pointer dom, int event, int detail, Pointer opaque);
  }

  int virEventRegisterDefaultImpl();

  int virEventRunDefaultImpl();

  Pointer virConnectOpen(String uri);

  int virConnectClose(Pointer conn);

  int virConnectRef(Pointer conn);

  int virConnectIsAlive(Pointer conn);

  /** libvirt's version on the host: a round trip to libvirtd, so Berth's heartbeat. */
  int virConnectGetLibVersion(Pointer conn, com.sun.jna.ptr.LongByReference version);

  int virConnectRegisterCloseCallback(
      Pointer conn, CloseCallback cb, Pointer opaque, Pointer freecb);

  int virConnectUnregisterCloseCallback(Pointer conn, CloseCallback cb);

  int STREAM_NONBLOCK = 1;
  int STREAM_EVENT_READABLE = 1;
  int STREAM_EVENT_ERROR = 4;
  int STREAM_EVENT_HANGUP = 8;

  /** {@code virStreamEventCallback}, on libvirt's event loop thread. */
  interface StreamEventCallback extends Callback {
    void invoke(Pointer stream, int events, Pointer opaque);
  }

  Pointer virStreamNew(Pointer conn, int flags);

  /** Bytes read, 0 at the end of the stream, -1 on error, -2 if a non-blocking one has none. */
  int virStreamRecv(Pointer stream, byte[] data, long nbytes);

  int virStreamEventAddCallback(
      Pointer stream, int events, StreamEventCallback cb, Pointer opaque, Pointer freecb);

  int virStreamEventRemoveCallback(Pointer stream);

  int virStreamSend(Pointer stream, byte[] data, long nbytes);

  int virStreamAbort(Pointer stream);

  int virStreamFree(Pointer stream);

  /** The domain's serial console on {@code stream}; devName null for the first one. */
  int virDomainOpenConsole(Pointer dom, String devName, Pointer stream, int flags);

  /** A file descriptor connected to the domain's graphics server (local connections only). */
  int virDomainOpenGraphicsFD(Pointer dom, int idx, int flags);

  int virConnectListAllDomains(Pointer conn, PointerByReference domains, int flags);

  int virConnectDomainEventRegisterAny(
      Pointer conn, Pointer dom, int eventId, Callback cb, Pointer opaque, Pointer freecb);

  int virConnectDomainEventDeregisterAny(Pointer conn, int callbackId);

  Pointer virDomainLookupByName(Pointer conn, String name);

  Pointer virDomainDefineXML(Pointer conn, String xml);

  /** With {@link #UNDEFINE_MANAGED_SAVE}: its saved state goes too. */
  int virDomainUndefineFlags(Pointer dom, int flags);

  int UNDEFINE_MANAGED_SAVE = 1;

  /** Its snapshots' metadata goes too (the snapshots inside qcow2 images stay). */
  int UNDEFINE_SNAPSHOTS_METADATA = 2;

  String virDomainGetName(Pointer dom);

  int virDomainGetID(Pointer dom);

  int virDomainGetState(Pointer dom, IntByReference state, IntByReference reason, int flags);

  int virDomainCreate(Pointer dom);

  /** Saves the domain's state in libvirt's own place; the next virDomainCreate restores it. */
  int virDomainManagedSave(Pointer dom, int flags);

  /** 1 if the domain has a managed save image, 0 if not, -1 on error. */
  int virDomainHasManagedSaveImage(Pointer dom, int flags);

  int virDomainShutdownFlags(Pointer dom, int flags);

  int virDomainDestroyFlags(Pointer dom, int flags);

  /**
   * libvirt's reboot: with {@link #REBOOT_GUEST_AGENT} the agent's {@code guest-shutdown} mode
   * reboot; with {@link #REBOOT_ACPI_POWER_BTN} the power button, after which libvirt resets the
   * machine once the guest has powered off (QEMU runs with {@code -no-shutdown}).
   */
  int virDomainReboot(Pointer dom, int flags);

  int virDomainReset(Pointer dom, int flags);

  int virDomainSuspend(Pointer dom);

  int virDomainResume(Pointer dom);

  int virDomainPMWakeup(Pointer dom, int flags);

  int virDomainSendKey(
      Pointer dom, int codeset, int holdtime, int[] keycodes, int nkeycodes, int flags);

  int virDomainFree(Pointer dom);

  /** A snapshot (internal, on qcow2 disks; with memory if the domain runs); free the handle. */
  Pointer virDomainSnapshotCreateXML(Pointer dom, String xml, int flags);

  int virDomainListAllSnapshots(Pointer dom, PointerByReference snaps, int flags);

  Pointer virDomainSnapshotLookupByName(Pointer dom, String name, int flags);

  /** The snapshot's XML, to free with {@code Native.free}. */
  Pointer virDomainSnapshotGetXMLDesc(Pointer snap, int flags);

  int virDomainRevertToSnapshot(Pointer snap, int flags);

  int virDomainSnapshotDelete(Pointer snap, int flags);

  int virDomainSnapshotFree(Pointer snap);

  int virDomainRef(Pointer dom);

  String virGetLastErrorMessage();

  /** {@code virErrorFunc}: libvirt's report of an error, which by default it prints to stderr. */
  interface ErrorCallback extends Callback {
    void invoke(Pointer userData, Pointer error);
  }

  void virSetErrorFunc(Pointer userData, ErrorCallback handler);

  /** {@code libvirt-qemu.so.0}: the QEMU monitor, through libvirt. */
  interface Qemu extends Library {
    /** {@code virConnectDomainQemuMonitorEventCallback}. */
    interface MonitorEventCallback extends Callback {
      void invoke(
          Pointer conn,
          Pointer dom,
          String event,
          long seconds,
          int micros,
          String details,
          Pointer opaque);
    }

    int virDomainQemuMonitorCommand(Pointer dom, String cmd, PointerByReference result, int flags);

    /** The reply (to free with {@code Native.free}), or null on failure. */
    Pointer virDomainQemuAgentCommand(Pointer dom, String cmd, int timeout, int flags);

    int virConnectDomainQemuMonitorEventRegister(
        Pointer conn,
        Pointer dom,
        String event,
        MonitorEventCallback cb,
        Pointer opaque,
        Pointer freecb,
        int flags);
  }

  /** The one line to show when libvirt's library cannot be loaded. */
  String MISSING = "install libvirt0 to manage libvirt hosts";

  /** The libraries, or an exception whose message is {@link #MISSING}. */
  static Loaded load() throws java.io.IOException {
    return Loaded.get();
  }

  /** Kept reachable for as long as libvirt may call it: for the whole process. */
  ErrorCallback QUIET = (userData, error) -> {};

  /** Both libraries, loaded once per process. */
  final class Loaded {
    private static Loaded instance;

    final LibvirtC c;
    final Qemu qemu;

    private Loaded(LibvirtC c, Qemu qemu) {
      this.c = c;
      this.qemu = qemu;
    }

    static synchronized Loaded get() throws java.io.IOException {
      if (instance == null) {
        try {
          LibvirtC c = Native.load("virt", LibvirtC.class);
          Qemu q = Native.load("virt-qemu", Qemu.class);
          // Berth says what failed itself, in one line; libvirt must not print its own to stderr
          c.virSetErrorFunc(null, QUIET);
          if (c.virEventRegisterDefaultImpl() < 0) {
            throw new java.io.IOException("libvirt's event loop: " + c.virGetLastErrorMessage());
          }
          instance = new Loaded(c, q);
        } catch (UnsatisfiedLinkError e) {
          throw new java.io.IOException(MISSING, e);
        }
      }
      return instance;
    }
  }
}
