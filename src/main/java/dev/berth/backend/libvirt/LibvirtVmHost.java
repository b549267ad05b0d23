package dev.berth.backend.libvirt;

import dev.berth.vm.VmHost;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A libvirt host as the app's VM list sees it: its connection, and its domains listed again when it
 * connects and whenever one is defined or undefined (libvirt's lifecycle events, no polling).
 */
final class LibvirtVmHost implements VmHost {
  private static final System.Logger LOG = System.getLogger(LibvirtVmHost.class.getName());

  private final LibvirtHost host;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Listing is a libvirt call: never on libvirt's event loop thread. */
  private final ExecutorService lister;

  private final LibvirtHost.HostListener fromHost =
      new LibvirtHost.HostListener() {
        @Override
        public void link(String why) {
          listeners.forEach(l -> tell(l, x -> x.link(why)));
          if (why == null) {
            list();
          }
        }

        @Override
        public void domainsChanged() {
          list();
        }
      };

  LibvirtVmHost(LibvirtHost host) {
    this.host = host;
    this.lister =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "libvirt-list");
              t.setDaemon(true);
              return t;
            });
    host.listenHost(fromHost);
  }

  @Override
  public String uri() {
    return host.uri();
  }

  @Override
  public void watch(Listener l) {
    listeners.add(l);
    String why = host.lost();
    tell(l, x -> x.link(why));
    if (why == null) {
      list();
    }
  }

  @Override
  public void unwatch(Listener l) {
    listeners.remove(l);
  }

  @Override
  public void close() {
    LibvirtBackend.unwatched(this);
    host.unlistenHost(fromHost);
    listeners.clear();
    lister.shutdown();
    host.close();
  }

  private void list() {
    if (lister.isShutdown()) {
      return;
    }
    lister.execute(
        () -> {
          List<VmSpec> specs;
          try {
            specs = LibvirtBackend.specsOf(host);
          } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "cannot list " + host.uri() + ": " + e.getMessage());
            return; // lost meanwhile: the link says so, and a reconnect lists again
          }
          listeners.forEach(l -> tell(l, x -> x.vms(specs)));
        });
  }

  private static void tell(Listener l, java.util.function.Consumer<Listener> call) {
    try {
      call.accept(l);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a host listener failed", e);
    }
  }
}
