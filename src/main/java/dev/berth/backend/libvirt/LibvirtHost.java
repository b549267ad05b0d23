package dev.berth.backend.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One libvirt host, by URI ({@code qemu:///system}, {@code qemu+ssh://user@host/system}): the
 * connection, the domains' lifecycle events and, where the driver is QEMU, the QEMU monitor's own
 * events (SHUTDOWN with its cause, POWERDOWN, RESET, STOP …), all delivered from libvirt's event
 * loop thread. One per URI per process.
 */
final class LibvirtHost {
  private static final Map<String, LibvirtHost> HOSTS = new ConcurrentHashMap<>();
  private static final System.Logger LOG = System.getLogger(LibvirtHost.class.getName());

  /**
   * Berth's own keepalive: a round trip every 2 s, and a host silent for 8 s is lost (libvirt's
   * advice, 2 s × 3 missed + 2). Not libvirt's keepalive: when that closed a connection under a
   * stopped libvirtd, a call under way on another thread crashed inside libvirt 9.0 (SIGSEGV in
   * virNetClient, reproduced by LibvirtLinkTest). Here a lost connection is set aside, not closed,
   * until its last call returns.
   */
  static final long BEAT_MILLIS = 2000;

  static final long SILENT_MILLIS = 8000;

  /** Between attempts to reach a lost host: from 1 s, doubling, at most this. */
  static final long RECONNECT_MAX_MILLIS = 4000;

  /** Timing only (retries, heartbeat checks): the blocking work runs on threads of its own. */
  private static final ScheduledExecutorService RECONNECT =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread t = new Thread(r, "libvirt-timer");
            t.setDaemon(true);
            return t;
          });

  private static Thread loop;

  /** What a domain's listener hears, on libvirt's event loop thread. */
  interface DomainListener {
    void lifecycle(int event, int detail);

    void qemuEvent(String event, long micros, String detailsJson);

    /** The host was lost ({@code why} says how) or, with null, is back. */
    default void link(String why) {}
  }

  /** What a watcher of the whole host hears: its connection, and domains defined or removed. */
  interface HostListener {
    /** Lost ({@code why} says how) or, with null, connected. */
    void link(String why);

    void domainsChanged();
  }

  private final String uri;
  private final LibvirtC c;
  private final LibvirtC.Qemu qemu;
  private final Map<String, List<DomainListener>> listeners = new ConcurrentHashMap<>();
  private final List<HostListener> hostListeners = new CopyOnWriteArrayList<>();
  // libvirt keeps only raw function pointers: the callbacks must stay reachable from here
  private final LibvirtC.LifecycleCallback lifecycle = this::onLifecycle;
  private final LibvirtC.Qemu.MonitorEventCallback monitor = this::onMonitorEvent;
  private final LibvirtC.CloseCallback closed = this::onClose;

  /**
   * Guards the swap of {@link #conn} against a caller taking its reference: a reference taken on a
   * connection already freed would be a use after free inside libvirt. Held only for pointer work,
   * never across a libvirt call that talks to the host.
   */
  private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();

  /** One opener at a time. */
  private final Object opening = new Object();

  private Pointer conn;
  private volatile String lost = "not connected yet";
  private volatile boolean retrying;
  private volatile boolean dropped;
  private long retryMillis = 1000;

  private LibvirtHost(String uri, LibvirtC.Loaded lib) {
    this.uri = uri;
    this.c = lib.c;
    this.qemu = lib.qemu;
  }

  /** The host at {@code uri}, connected now (a one-shot caller: the CLI, a test's fixture). */
  static LibvirtHost of(String uri) throws IOException {
    LibvirtHost h = get(uri);
    if (!h.isConnected()) {
      h.open();
    }
    return h;
  }

  /**
   * The host at {@code uri}, connecting in the background and again whenever it is lost; its
   * listeners hear how that goes. Fails only when libvirt's library is missing.
   */
  static LibvirtHost watch(String uri) throws IOException {
    LibvirtHost h = get(uri);
    if (!h.isConnected()) {
      h.retryLater(0);
    }
    return h;
  }

  private static LibvirtHost get(String uri) throws IOException {
    LibvirtC.Loaded lib = LibvirtC.load();
    startLoop(lib.c);
    return HOSTS.computeIfAbsent(uri, u -> new LibvirtHost(u, lib));
  }

  /** libvirt's default event loop, run by one daemon thread for the whole process. */
  private static synchronized void startLoop(LibvirtC c) {
    if (loop != null) {
      return;
    }
    loop =
        new Thread(
            () -> {
              while (true) {
                if (c.virEventRunDefaultImpl() < 0) {
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "libvirt's event loop: " + c.virGetLastErrorMessage());
                }
              }
            },
            "libvirt-events");
    loop.setDaemon(true);
    loop.start();
  }

  String uri() {
    return uri;
  }

  LibvirtC c() {
    return c;
  }

  LibvirtC.Qemu qemu() {
    return qemu;
  }

  boolean isConnected() {
    swap.readLock().lock();
    try {
      return conn != null;
    } finally {
      swap.readLock().unlock();
    }
  }

  /** Why the host cannot be reached now, or null while it is connected. */
  String lost() {
    return isConnected() ? null : lost;
  }

  /**
   * The open connection with a reference taken for the caller, who must {@link #release} it: the
   * connection may be lost and replaced meanwhile, and libvirt frees one only when its last
   * reference goes. Fails at once, with the reason, while the host is unreachable.
   */
  private Pointer acquire() throws IOException {
    swap.readLock().lock();
    try {
      if (conn != null) {
        c.virConnectRef(conn);
        return conn;
      }
    } finally {
      swap.readLock().unlock();
    }
    throw new IOException(uri + " cannot be reached: " + lost);
  }

  private void release(Pointer p) {
    c.virConnectClose(p);
  }

  /** Calls {@code work} with the connection, held for the call. */
  private <T> T withConnection(DomainWork<T> work) throws IOException {
    Pointer p = acquire();
    try {
      return work.run(p);
    } finally {
      release(p);
    }
  }

  /** Opens the connection, with the heartbeat, the close callback and the events. */
  private void open() throws IOException {
    synchronized (opening) {
      if (isConnected()) {
        return;
      }
      Pointer p = c.virConnectOpen(uri);
      if (p == null) {
        String why = "cannot connect: " + error();
        lost = why;
        throw new IOException(uri + ": " + why);
      }
      if (c.virConnectRegisterCloseCallback(p, closed, null, null) < 0) {
        LOG.log(System.Logger.Level.WARNING, uri + ": no close callback: " + error());
      }
      if (c.virConnectDomainEventRegisterAny(
              p, null, LibvirtC.EVENT_ID_LIFECYCLE, lifecycle, null, null)
          < 0) {
        LOG.log(System.Logger.Level.WARNING, uri + ": no lifecycle events: " + error());
      }
      if (qemu.virConnectDomainQemuMonitorEventRegister(p, null, null, monitor, null, null, 0)
          < 0) {
        LOG.log(System.Logger.Level.INFO, uri + ": no QEMU monitor events: " + error());
      }
      swap.writeLock().lock();
      try {
        conn = p;
        lost = null;
      } finally {
        swap.writeLock().unlock();
      }
      retryMillis = 1000;
      new Heartbeat(p).start();
    }
    LOG.log(System.Logger.Level.INFO, "connected to " + uri);
    tellLink(null);
  }

  /**
   * One connection's heartbeat, on a thread of its own: a call stuck on a silent host holds only
   * this thread, and the connection that replaces it gets a heartbeat of its own.
   */
  private final class Heartbeat extends Thread {
    private final Pointer beating;
    private volatile long since;

    Heartbeat(Pointer beating) {
      super("libvirt-heartbeat");
      this.beating = beating;
      setDaemon(true);
    }

    @Override
    public void run() {
      ScheduledFuture<?> watch =
          RECONNECT.scheduleAtFixedRate(this::check, SILENT_MILLIS, 1000, TimeUnit.MILLISECONDS);
      try {
        com.sun.jna.ptr.LongByReference version = new com.sun.jna.ptr.LongByReference();
        while (current() == beating) {
          Pointer p = acquire();
          since = System.nanoTime();
          int r = c.virConnectGetLibVersion(p, version);
          since = 0;
          release(p);
          if (r < 0) {
            lose(beating, "the connection failed: " + error());
            break;
          }
          Thread.sleep(BEAT_MILLIS); // the beat's period: nothing to wait for but the clock
        }
      } catch (IOException | InterruptedException e) {
        // lost meanwhile: the next connection beats on its own
      } finally {
        watch.cancel(false);
      }
    }

    private void check() {
      long t = since;
      if (t != 0 && System.nanoTime() - t > TimeUnit.MILLISECONDS.toNanos(SILENT_MILLIS)) {
        lose(beating, "libvirtd has not answered for " + SILENT_MILLIS / 1000 + " s");
      }
    }
  }

  private Pointer current() {
    swap.readLock().lock();
    try {
      return conn;
    } finally {
      swap.readLock().unlock();
    }
  }

  /** libvirt closed the connection (on its loop thread): unreachable until a retry succeeds. */
  private void onClose(Pointer closedConn, int reason, Pointer opaque) {
    lose(
        closedConn,
        switch (reason) {
          case LibvirtC.CLOSE_REASON_EOF -> "the connection to libvirtd ended";
          case LibvirtC.CLOSE_REASON_CLIENT -> "the connection was closed";
          default -> "the connection failed";
        });
  }

  /**
   * Sets {@code gone} aside as lost: calls fail at once from now on, and Berth's reference is
   * dropped off this thread (libvirt frees the connection when the last call under way returns).
   */
  private void lose(Pointer gone, String why) {
    if (!setAside(gone, why)) {
      return;
    }
    LOG.log(System.Logger.Level.WARNING, uri + ": " + why);
    Thread t = new Thread(() -> retire(gone), "libvirt-retire");
    t.setDaemon(true);
    t.start();
    tellLink(why);
    retryLater(1000);
  }

  /** True if {@code gone} was the connection, which is now none. */
  private boolean setAside(Pointer gone, String why) {
    swap.writeLock().lock();
    try {
      if (conn == null || !conn.equals(gone)) {
        return false;
      }
      conn = null;
      lost = why;
      return true;
    } finally {
      swap.writeLock().unlock();
    }
  }

  /** Drops Berth's reference; a silent host's close may block, so never on a thread that waits. */
  private void retire(Pointer gone) {
    c.virConnectUnregisterCloseCallback(gone, closed);
    c.virConnectClose(gone);
  }

  /** One attempt at a time, each on a thread of its own: opening may hang on a silent host. */
  private synchronized void retryLater(long millis) {
    if (retrying || dropped) {
      return;
    }
    retrying = true;
    RECONNECT.schedule(
        () -> {
          Thread t = new Thread(this::retry, "libvirt-connect");
          t.setDaemon(true);
          t.start();
        },
        millis,
        TimeUnit.MILLISECONDS);
  }

  private void retry() {
    String before = lost;
    long wait = 1000;
    try {
      open();
    } catch (IOException e) {
      if (!java.util.Objects.equals(before, lost)) {
        tellLink(lost); // a new reason ("cannot connect: …") is news; the same one is not
      }
      synchronized (opening) {
        wait = retryMillis;
        retryMillis = Math.min(retryMillis * 2, RECONNECT_MAX_MILLIS);
      }
    }
    synchronized (this) {
      retrying = false;
    }
    if (!isConnected()) {
      retryLater(wait); // failed, or lost again while this attempt was ending
    }
  }

  private void tellLink(String why) {
    for (HostListener l : hostListeners) {
      try {
        l.link(why);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a libvirt host listener failed", e);
      }
    }
    for (List<DomainListener> list : listeners.values()) {
      for (DomainListener l : list) {
        try {
          l.link(why);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "a libvirt listener failed", e);
        }
      }
    }
  }

  /**
   * Drops the host: no more reconnecting, and the connection goes (its last call under way frees
   * it). A later {@link #of} or {@link #watch} starts afresh.
   */
  void close() {
    dropped = true;
    HOSTS.remove(uri, this);
    Pointer p = current();
    if (p != null && setAside(p, "the connection was closed")) {
      retire(p); // here, so the ssh of a remote host has ended when this returns
      tellLink(lost);
    }
  }

  /** Closes the host at {@code uri} if this process has it. */
  static void drop(String uri) {
    LibvirtHost h = HOSTS.get(uri);
    if (h != null) {
      h.close();
    }
  }

  void listenHost(HostListener l) {
    hostListeners.add(l);
  }

  void unlistenHost(HostListener l) {
    hostListeners.remove(l);
  }

  String error() {
    String m = c.virGetLastErrorMessage();
    return m == null ? "unknown libvirt error" : m;
  }

  /** The names of every domain libvirt has defined on this host. */
  List<String> domainNames() throws IOException {
    PointerByReference out = new PointerByReference();
    int n = withConnection(p -> c.virConnectListAllDomains(p, out, 0));
    if (n < 0) {
      throw new IOException(uri + ": " + error());
    }
    List<String> names = new ArrayList<>();
    Pointer array = out.getValue();
    for (int i = 0; i < n; i++) {
      Pointer dom = array.getPointer((long) i * Native.POINTER_SIZE);
      names.add(c.virDomainGetName(dom));
      c.virDomainFree(dom);
    }
    if (array != null) {
      Native.free(Pointer.nativeValue(array));
    }
    return names;
  }

  /** Calls {@code work} with the domain's handle, freed afterwards. */
  <T> T withDomain(String name, DomainWork<T> work) throws IOException {
    Pointer dom = withConnection(p -> c.virDomainLookupByName(p, name));
    if (dom == null) {
      throw new IOException(uri + ": no domain " + name + ": " + error());
    }
    try {
      return work.run(dom);
    } finally {
      c.virDomainFree(dom);
    }
  }

  @FunctionalInterface
  interface DomainWork<T> {
    T run(Pointer dom) throws IOException;
  }

  /** A new stream on the connection, with the domain's console opened on it. */
  Pointer openConsole(String name, int flags) throws IOException {
    Pointer stream = withConnection(p -> c.virStreamNew(p, LibvirtC.STREAM_NONBLOCK));
    if (stream == null) {
      throw new IOException(uri + ": no stream: " + error());
    }
    try {
      withDomain(
          name,
          dom -> {
            if (c.virDomainOpenConsole(dom, null, stream, flags) < 0) {
              throw new IOException("no console for " + name + ": " + error());
            }
            return null;
          });
    } catch (IOException e) {
      c.virStreamFree(stream);
      throw e;
    }
    return stream;
  }

  /** Defines a domain from libvirt XML (the tests' fixtures; Berth itself lists what exists). */
  void define(String xml) throws IOException {
    Pointer dom = withConnection(p -> c.virDomainDefineXML(p, xml));
    if (dom == null) {
      throw new IOException(uri + ": cannot define the domain: " + error());
    }
    c.virDomainFree(dom);
  }

  /** Removes a shut-off domain's definition, and its saved state if it has one. */
  void undefine(String name) throws IOException {
    withDomain(
        name,
        dom -> {
          int flags = LibvirtC.UNDEFINE_MANAGED_SAVE | LibvirtC.UNDEFINE_SNAPSHOTS_METADATA;
          if (c.virDomainUndefineFlags(dom, flags) < 0) {
            throw new IOException(uri + ": cannot undefine " + name + ": " + error());
          }
          return null;
        });
  }

  /** libvirt's state and reason for the domain, and its id (-1 while it does not run). */
  int[] state(String name) throws IOException {
    return withDomain(
        name,
        dom -> {
          IntByReference state = new IntByReference();
          IntByReference reason = new IntByReference();
          if (c.virDomainGetState(dom, state, reason, 0) < 0) {
            throw new IOException(name + ": " + error());
          }
          return new int[] {state.getValue(), reason.getValue(), c.virDomainGetID(dom)};
        });
  }

  void listen(String domain, DomainListener l) {
    listeners.computeIfAbsent(domain, d -> new CopyOnWriteArrayList<>()).add(l);
  }

  void unlisten(String domain, DomainListener l) {
    List<DomainListener> list = listeners.get(domain);
    if (list != null) {
      list.remove(l);
    }
  }

  private int onLifecycle(Pointer conn, Pointer dom, int event, int detail, Pointer opaque) {
    if (!conn.equals(current())) {
      return 0; // a connection set aside as lost: what it saw is read afresh on the new one
    }
    String name = c.virDomainGetName(dom);
    if (event == LibvirtC.EVENT_DEFINED || event == LibvirtC.EVENT_UNDEFINED) {
      for (HostListener l : hostListeners) {
        try {
          l.domainsChanged();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "a libvirt host listener failed", e);
        }
      }
    }
    for (DomainListener l : listeners.getOrDefault(name, List.of())) {
      try {
        l.lifecycle(event, detail);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a libvirt listener failed", e);
      }
    }
    return 0;
  }

  private void onMonitorEvent(
      Pointer conn,
      Pointer dom,
      String event,
      long seconds,
      int micros,
      String details,
      Pointer opaque) {
    if (!conn.equals(current())) {
      return;
    }
    String name = c.virDomainGetName(dom);
    long t = seconds * 1_000_000 + Integer.toUnsignedLong(micros);
    for (DomainListener l : listeners.getOrDefault(name, List.of())) {
      try {
        l.qemuEvent(event, t, details);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a libvirt listener failed", e);
      }
    }
  }
}
