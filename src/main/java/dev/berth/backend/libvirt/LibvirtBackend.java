package dev.berth.backend.libvirt;

import dev.berth.event.RunState;
import dev.berth.vm.Backend;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.Capability;
import dev.berth.vm.Reattach;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmHost;
import dev.berth.vm.VmNames;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The VMs libvirt already runs, on this machine or another ({@code qemu+ssh://…}): listed as
 * libvirt defines them, driven with libvirt's own calls. Needs libvirt's C library at run time;
 * without it, every call says "install libvirt0 to manage libvirt hosts" and the rest of Berth
 * works.
 */
public final class LibvirtBackend implements Backend {
  @Override
  public VmSpec.Backend kind() {
    return VmSpec.Backend.LIBVIRT;
  }

  /** The domains defined at {@code uri}, as specs (names Berth cannot use are left out). */
  public static List<VmSpec> discover(String uri) throws IOException {
    return specsOf(LibvirtHost.of(uri));
  }

  static List<VmSpec> specsOf(LibvirtHost host) throws IOException {
    List<VmSpec> specs = new ArrayList<>();
    for (String name : host.domainNames()) {
      if (VmNames.isValid(name)) {
        specs.add(VmSpec.libvirt(name, host.uri()));
      }
    }
    specs.sort(java.util.Comparator.comparing(VmSpec::name));
    return specs;
  }

  /** One watcher per host for the whole process, as there is one connection. */
  private static final java.util.Map<String, LibvirtVmHost> WATCHED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** libvirt restores a managed save by itself on the next start. */
  @Override
  public Optional<String> savedState(VmSpec spec, BerthDirs dirs) {
    try {
      LibvirtHost host = LibvirtHost.of(spec.connection());
      int has = host.withDomain(spec.name(), dom -> host.c().virDomainHasManagedSaveImage(dom, 0));
      return has == 1 ? Optional.of(LibvirtVm.MANAGED_SAVE) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // the start that follows says what is wrong with the host
    }
  }

  @Override
  public java.util.List<dev.berth.vm.Snapshot> snapshots(VmSpec spec, BerthDirs dirs)
      throws IOException {
    return new LibvirtSnapshots(LibvirtHost.of(spec.connection()), spec.name()).list();
  }

  /** Of a domain that is off: libvirt snapshots its disks. */
  @Override
  public dev.berth.vm.Snapshot takeSnapshot(
      VmSpec spec, BerthDirs dirs, String tag, String description) throws IOException {
    return new LibvirtSnapshots(LibvirtHost.of(spec.connection()), spec.name())
        .take(tag, description);
  }

  /**
   * libvirt would start a domain that is off to go back to a snapshot taken while it ran, behind
   * Berth's back: only a snapshot of it off is gone back to here.
   */
  @Override
  public void revertSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    LibvirtSnapshots snapshots =
        new LibvirtSnapshots(LibvirtHost.of(spec.connection()), spec.name());
    if (snapshots.find(tag).withMemory()) {
      throw new IOException(
          "snapshot " + tag + " was taken while " + spec.name() + " ran: start it, then go back");
    }
    snapshots.revert(tag);
  }

  @Override
  public void deleteSnapshot(VmSpec spec, BerthDirs dirs, String tag) throws IOException {
    new LibvirtSnapshots(LibvirtHost.of(spec.connection()), spec.name()).delete(tag);
  }

  /** libvirt's own warning: a command it did not send leaves the domain marked. */
  @Override
  public String caveat(VmSpec spec, dev.berth.vm.VmAction action) {
    return action == dev.berth.vm.VmAction.QUIT
        ? "The quit goes to QEMU through libvirt's monitor pass-through: libvirt marks the domain"
            + " tainted (custom-monitor) for as long as it runs."
        : "";
  }

  static void unwatched(LibvirtVmHost h) {
    WATCHED.remove(h.uri(), h);
  }

  @Override
  public VmHost host(String uri) throws IOException {
    LibvirtHost h = LibvirtHost.watch(uri);
    return WATCHED.computeIfAbsent(uri, u -> new LibvirtVmHost(h));
  }

  /** A domain's state as QEMU names run states, and libvirt's own words with the reason. */
  public record DomainState(RunState state, String words) {}

  /** One libvirt call for where a domain stands ("shut off (destroyed)"); nothing is attached. */
  public static DomainState domainState(VmSpec spec) throws IOException {
    int[] s = LibvirtHost.of(spec.connection()).state(spec.name());
    return new DomainState(LibvirtVm.runState(s[0]), LibvirtWords.state(s[0], s[1]));
  }

  @Override
  public String emulator(VmSpec spec) {
    try {
      LibvirtHost.of(spec.connection());
      return "libvirt at " + spec.connection();
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** What libvirt does for every QEMU domain; a host that is not this one is remote. */
  static Set<Capability> capabilitiesOf(String uri) {
    Set<Capability> can =
        EnumSet.of(
            Capability.POWER_BUTTON,
            Capability.GUEST_AGENT,
            Capability.KEYBOARD,
            Capability.SIGNALS,
            Capability.SUSPEND,
            Capability.SAVE_STATE,
            Capability.SNAPSHOTS,
            Capability.OUTLIVES_APP);
    String host = uri == null ? null : URI.create(uri).getHost();
    if (host != null && !host.isEmpty()) {
      can.add(Capability.REMOTE);
    }
    return can;
  }

  @Override
  public Set<Capability> capabilities(VmSpec spec) {
    return capabilitiesOf(spec.connection());
  }

  /** Starts the defined domain (libvirt's start); its events are heard from before it runs. */
  @Override
  public RunningVm start(VmSpec spec, BerthDirs dirs) throws IOException {
    LibvirtHost host = LibvirtHost.of(spec.connection());
    LibvirtVm vm =
        new LibvirtVm(host, spec.name(), RunState.RUNNING, -1, new LibvirtRunNote(spec, dirs));
    host.withDomain(
        spec.name(),
        dom -> {
          if (host.c().virDomainCreate(dom) < 0) {
            throw new IOException(host.error());
          }
          vm.started(host.c().virDomainGetID(dom));
          return null;
        });
    return vm;
  }

  @Override
  public Reattach reattach(VmSpec spec, BerthDirs dirs) throws IOException {
    LibvirtHost host = LibvirtHost.of(spec.connection());
    int[] s = host.state(spec.name());
    RunState state = LibvirtVm.runState(s[0]);
    if (state == RunState.SHUTDOWN) {
      return Reattach.none();
    }
    LibvirtRunNote note = new LibvirtRunNote(spec, dirs);
    return Reattach.live(new LibvirtVm(host, spec.name(), state, s[2], note), note.runOf(s[2]));
  }

  @Override
  public Optional<String> endedUnseen(VmSpec spec, BerthDirs dirs) {
    try {
      int[] s = LibvirtHost.of(spec.connection()).state(spec.name());
      return LibvirtVm.runState(s[0]) == RunState.SHUTDOWN
          ? Optional.of("libvirt says it is " + LibvirtWords.state(s[0], s[1]))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // the host cannot tell now: nothing is known to have ended
    }
  }
}
