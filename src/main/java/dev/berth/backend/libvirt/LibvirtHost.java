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

/**
 * One libvirt host, by URI ({@code qemu:///system}, {@code qemu+ssh://user@host/system}): the
 * connection, the domains' lifecycle events and, where the driver is QEMU, the QEMU monitor's own
 * events (SHUTDOWN with its cause, POWERDOWN, RESET, STOP …), all delivered from libvirt's event
 * loop thread. One per URI per process.
 */
final class LibvirtHost {
  private static final Map<String, LibvirtHost> HOSTS = new ConcurrentHashMap<>();
  private static final System.Logger LOG = System.getLogger(LibvirtHost.class.getName());
  private static Thread loop;

  /** What a domain's listener hears, on libvirt's event loop thread. */
  interface DomainListener {
    void lifecycle(int event, int detail);

    void qemuEvent(String event, long micros, String detailsJson);
  }

  private final String uri;
  private final LibvirtC c;
  private final LibvirtC.Qemu qemu;
  private final Map<String, List<DomainListener>> listeners = new ConcurrentHashMap<>();
  // libvirt keeps only raw function pointers: the callbacks must stay reachable from here
  private final LibvirtC.LifecycleCallback lifecycle = this::onLifecycle;
  private final LibvirtC.Qemu.MonitorEventCallback monitor = this::onMonitorEvent;
  private volatile Pointer conn;

  private LibvirtHost(String uri, LibvirtC.Loaded lib) {
    this.uri = uri;
    this.c = lib.c;
    this.qemu = lib.qemu;
  }

  /** The host at {@code uri}, connected on first use. */
  static LibvirtHost of(String uri) throws IOException {
    LibvirtC.Loaded lib = LibvirtC.load();
    startLoop(lib.c);
    LibvirtHost h = HOSTS.computeIfAbsent(uri, u -> new LibvirtHost(u, lib));
    h.connected();
    return h;
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

  /**
   * The open connection with a reference taken for the caller, who must {@link #release} it:
   * another thread may replace a dead connection meanwhile, and libvirt frees one only when its
   * last reference goes.
   */
  private synchronized Pointer acquire() throws IOException {
    Pointer p = connected();
    c.virConnectRef(p);
    return p;
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

  /** The open connection, opening it (again, after a loss) when needed. */
  synchronized Pointer connected() throws IOException {
    Pointer p = conn;
    if (p != null && c.virConnectIsAlive(p) == 1) {
      return p;
    }
    if (p != null) {
      c.virConnectClose(p);
      conn = null;
    }
    p = c.virConnectOpen(uri);
    if (p == null) {
      throw new IOException("cannot connect to " + uri + ": " + c.virGetLastErrorMessage());
    }
    // No keepalive yet: when it closed a connection under a stopped libvirtd, a call already
    // under way on another thread crashed inside libvirt (SIGSEGV). Losing and regaining a host
    // needs all calls of a connection on one thread first; until then a hung host blocks only
    // the VM's own control thread.
    if (c.virConnectDomainEventRegisterAny(
            p, null, LibvirtC.EVENT_ID_LIFECYCLE, lifecycle, null, null)
        < 0) {
      LOG.log(System.Logger.Level.WARNING, uri + ": no lifecycle events: " + error());
    }
    if (qemu.virConnectDomainQemuMonitorEventRegister(p, null, null, monitor, null, null, 0) < 0) {
      LOG.log(System.Logger.Level.INFO, uri + ": no QEMU monitor events: " + error());
    }
    conn = p;
    return p;
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

  /** Defines a domain from libvirt XML (the tests' fixtures; Berth itself lists what exists). */
  void define(String xml) throws IOException {
    Pointer dom = withConnection(p -> c.virDomainDefineXML(p, xml));
    if (dom == null) {
      throw new IOException(uri + ": cannot define the domain: " + error());
    }
    c.virDomainFree(dom);
  }

  /** Removes a shut-off domain's definition. */
  void undefine(String name) throws IOException {
    withDomain(
        name,
        dom -> {
          if (c.virDomainUndefine(dom) < 0) {
            throw new IOException(uri + ": cannot undefine " + name + ": " + error());
          }
          return null;
        });
  }

  /** libvirt's state and reason for the domain. */
  int[] state(String name) throws IOException {
    return withDomain(
        name,
        dom -> {
          IntByReference state = new IntByReference();
          IntByReference reason = new IntByReference();
          if (c.virDomainGetState(dom, state, reason, 0) < 0) {
            throw new IOException(name + ": " + error());
          }
          return new int[] {state.getValue(), reason.getValue()};
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
    String name = c.virDomainGetName(dom);
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
