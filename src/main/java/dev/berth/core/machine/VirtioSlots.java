package dev.berth.core.machine;

import dev.berth.core.boot.ImageException;
import dev.berth.core.bus.Bus;
import dev.berth.core.dev.Plic;
import dev.berth.core.virtio.HostPort;
import dev.berth.core.virtio.Keyboard;
import dev.berth.core.virtio.VirtioBlk;
import dev.berth.core.virtio.VirtioConsole;
import dev.berth.core.virtio.VirtioDevice;
import dev.berth.core.virtio.VirtioKeyboard;
import dev.berth.core.virtio.VirtioMmio;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The board's eight virtio-mmio slots and the devices a {@link MachineConfig} puts in them. Devices
 * fill the slots from the top down (disks, then the agent channel, then the keyboard), as QEMU's
 * {@code virt} hands its {@code virtio-*-device}s the highest free slot, so Linux, which probes the
 * device tree in order, finds the first disk first and names it vda.
 */
final class VirtioSlots {
  /** The name QEMU's guest agent and Berth's look for. */
  static final String AGENT_PORT = "org.qemu.guest_agent.0";

  private final VirtioMmio[] slots = new VirtioMmio[Board.VIRTIO_SLOTS];
  private final List<VirtioBlk> disks = new ArrayList<>();
  private HostPort agentPort;
  private Keyboard keyboard;

  /**
   * Opens the devices and maps every slot on {@code bus}; {@code wake} rouses the worker thread
   * when the host has input for a device.
   *
   * @throws ImageException with one readable line if a disk image cannot be used
   */
  VirtioSlots(MachineConfig config, Bus bus, Plic plic, Runnable wake) throws ImageException {
    List<VirtioDevice> devices = new ArrayList<>();
    try {
      for (MachineConfig.Drive d : config.drives()) {
        String problem = MachineConfig.Drive.problem(d.image());
        if (problem != null) {
          throw new IOException(problem);
        }
        VirtioBlk disk = VirtioBlk.open(d.image(), d.readOnly());
        disks.add(disk);
        devices.add(disk);
      }
    } catch (IOException e) {
      devices.forEach(VirtioDevice::close);
      throw new ImageException(e.getMessage(), e);
    }
    if (config.agentChannel()) {
      VirtioConsole console = new VirtioConsole(AGENT_PORT, wake);
      agentPort = console.port();
      devices.add(console);
    }
    if (config.keyboard()) {
      VirtioKeyboard k = new VirtioKeyboard(wake);
      keyboard = k;
      devices.add(k);
    }
    for (int slot = 0; slot < Board.VIRTIO_SLOTS; slot++) {
      int fromTop = Board.VIRTIO_SLOTS - 1 - slot;
      VirtioDevice d = fromTop < devices.size() ? devices.get(fromTop) : null;
      slots[slot] = new VirtioMmio(bus.ram(), plic, Board.VIRTIO_IRQ + slot, d);
      bus.map(Board.virtioBase(slot), VirtioMmio.SIZE, slots[slot]);
    }
  }

  /** The host end of the guest-agent port, or null without an agent channel. */
  HostPort agentPort() {
    return agentPort;
  }

  /** The virtio keyboard, or null without one. */
  Keyboard keyboard() {
    return keyboard;
  }

  /** The bytes the guest has read from and written to all its disks, or -1 if it has none. */
  long diskBytes() {
    if (disks.isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (VirtioBlk d : disks) {
      sum += d.bytesRead() + d.bytesWritten();
    }
    return sum;
  }

  /** Between slices: hands host input to the devices. */
  void pump() {
    for (VirtioMmio s : slots) {
      s.pump();
    }
  }

  void save(dev.berth.core.state.StateOut out) {
    for (VirtioMmio s : slots) {
      s.save(out);
    }
  }

  void restore(dev.berth.core.state.StateIn in) throws dev.berth.core.state.StateException {
    for (VirtioMmio s : slots) {
      s.restore(in);
    }
  }

  /** What the slots hold, for a saved state's fingerprint: "blk:65536s,blk:8s:ro,console,input". */
  String describe(MachineConfig config) {
    StringBuilder b = new StringBuilder();
    for (MachineConfig.Drive d : config.drives()) {
      long bytes = d.image().toFile().length();
      b.append("blk:").append(bytes / MachineConfig.Drive.SECTOR).append('s');
      b.append(d.readOnly() ? ":ro," : ",");
    }
    b.append(config.agentChannel() ? "console," : "").append(config.keyboard() ? "input" : "");
    return b.toString();
  }

  void close() {
    for (VirtioMmio s : slots) {
      s.close();
    }
  }
}
