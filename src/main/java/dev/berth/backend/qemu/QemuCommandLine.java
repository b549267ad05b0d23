package dev.berth.backend.qemu;

import dev.berth.vm.SpecValidator;
import dev.berth.vm.VmSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line for a VM spec: x86_64 ({@code pc}, {@code q35}; ACPI on, as QEMU's default)
 * and riscv64 ({@code virt}, so the Berth Linux guest runs on real QEMU too). Every console is a
 * unix socket in the VM's runtime directory; QEMU exits when the guest powers off (no {@code
 * -no-shutdown}), so the process's end is the run's end.
 */
public final class QemuCommandLine {
  private QemuCommandLine() {}

  /** The machine type a spec gets when it names none. */
  public static String defaultMachine(String arch) {
    return arch.equals("x86_64") ? "pc" : "virt";
  }

  public static List<String> build(
      VmSpec spec, QemuInstallation qemu, QemuRuntime rt, String accel) {
    boolean x86 = spec.arch().equals("x86_64");
    String machine = spec.machine() != null ? spec.machine() : defaultMachine(spec.arch());
    if (!SpecValidator.isMachineType(spec.arch(), machine)) {
      // A spec file edited by hand is not validated on load: never pass unchecked text on.
      throw new IllegalArgumentException(
          spec.name()
              + ": '"
              + machine
              + "' is not a QEMU machine type Berth runs on "
              + spec.arch());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(qemu.binary().toString());
    add(cmd, "-name", "guest=" + spec.name() + ",process=berth-" + spec.name());
    add(cmd, "-machine", machine + ",accel=" + accel);
    add(cmd, "-m", spec.memoryMiB() + "M");
    add(cmd, "-smp", Integer.toString(spec.cpus()));
    cmd.add("-nodefaults");
    cmd.add("-no-user-config");
    add(cmd, "-pidfile", rt.pidFile().toString());
    if (spec.bios() != null) {
      add(cmd, "-bios", spec.bios());
    }
    if (spec.kernel() != null) {
      add(cmd, "-kernel", spec.kernel());
      if (spec.initrd() != null) {
        add(cmd, "-initrd", spec.initrd());
      }
      if (!spec.append().isEmpty()) {
        add(cmd, "-append", spec.append());
      }
    }
    // virtio on PCI for x86; on virt the Berth guest's kernel has virtio-mmio, in version 1.0
    // mode, which virtio-input needs.
    String bus = x86 ? "pci" : "device";
    if (!x86) {
      add(cmd, "-global", "virtio-mmio.force-legacy=false");
    }
    for (int i = 0; i < spec.disks().size(); i++) {
      String disk = spec.disks().get(i);
      String format =
          dev.berth.io.DiskImages.isQcow2(java.nio.file.Path.of(disk)) ? "qcow2" : "raw";
      // the format node is named, so snapshot jobs can name the disks they cover
      add(
          cmd,
          "-drive",
          "file="
              + escape(disk)
              + ",format="
              + format
              + ",if=none,id=disk"
              + i
              + ",node-name="
              + nodeName(i));
      add(cmd, "-device", "virtio-blk-" + bus + ",drive=disk" + i);
    }
    if (spec.cdrom() != null) {
      add(cmd, "-drive", "file=" + escape(spec.cdrom()) + ",media=cdrom,readonly=on,if=ide");
    }
    // Two QMP monitors: the public one for scripts and the CLI, and Berth's own.
    add(cmd, "-qmp", "unix:" + escape(rt.qmp()) + ",server=on,wait=off");
    add(cmd, "-qmp", "unix:" + escape(rt.monitor()) + ",server=on,wait=off");
    add(
        cmd,
        "-chardev",
        "socket,id=serial0,path="
            + escape(rt.serial())
            + ",server=on,wait=off,logfile="
            + escape(rt.serialLog())
            + ",logappend=off");
    add(cmd, "-serial", "chardev:serial0");
    add(cmd, "-device", "virtio-serial-" + bus);
    add(cmd, "-chardev", "socket,id=qga0,path=" + escape(rt.qga()) + ",server=on,wait=off");
    add(cmd, "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0");
    if (x86) {
      add(cmd, "-vga", "std");
    } else {
      add(cmd, "-device", "virtio-gpu-device");
      add(cmd, "-device", "virtio-keyboard-device");
    }
    add(cmd, "-display", "vnc=unix:" + escape(rt.vnc()));
    return cmd;
  }

  /** The block node of disk {@code i}, for QMP commands that take node names. */
  static String nodeName(int i) {
    return "disk" + i + "-format";
  }

  private static void add(List<String> cmd, String option, String value) {
    cmd.add(option);
    cmd.add(value);
  }

  /** QEMU's option syntax doubles a comma inside a value. */
  static String escape(String path) {
    return path.replace(",", ",,");
  }

  private static String escape(java.nio.file.Path path) {
    return escape(path.toString());
  }
}
