package dev.berth.vm;

import java.util.List;

/**
 * A host whose VMs another manager defines and runs (a libvirt host, {@code qemu:///system} or
 * {@code qemu+ssh://…}): its VMs as specs, and whether it answers. It connects, and reconnects
 * after a loss, by itself.
 */
public interface VmHost {
  String uri();

  /** Adds a listener, told where things stand now and on every change, on a backend thread. */
  void watch(Listener l);

  void unwatch(Listener l);

  /** Stops watching the host and drops its connection (the user removed it). */
  void close();

  /** What a host's watcher hears. */
  interface Listener {
    /** Connected ({@code why} null) or not, and why not ("cannot connect: …"). */
    void link(String why);

    /** The VMs the host defines now, by name. */
    void vms(List<VmSpec> specs);
  }
}
