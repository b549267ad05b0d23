package dev.berth.cli;

import dev.berth.vm.VmSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The spec fields as options, shared by {@code create} and {@code edit}; unset means unchanged. */
final class SpecOptions {
  @Option(
      names = "--backend",
      paramLabel = "bundled|qemu",
      description = "the emulator (default bundled)")
  String backend;

  @Option(
      names = "--kernel",
      paramLabel = "REF",
      description = "bundled:demo, or an absolute path to an ELF or Linux Image")
  String kernel;

  @Option(
      names = {"-m", "--memory"},
      paramLabel = "MIB",
      description = "guest RAM in MiB")
  Integer memory;

  @Option(
      names = "--initrd",
      paramLabel = "FILE",
      description = "initial ramdisk (absolute path; empty to remove)")
  String initrd;

  @Option(names = "--append", paramLabel = "CMDLINE", description = "kernel command line")
  String append;

  @Option(
      names = "--bios",
      paramLabel = "FILE|none",
      description = "firmware (absolute path) or none")
  String bios;

  @Option(
      names = "--disk",
      paramLabel = "FILE",
      description =
          "a raw disk image (absolute path), attached as virtio-blk; repeat for more, empty to"
              + " remove all")
  java.util.List<String> disks;

  @Option(
      names = "--button-timeout",
      paramLabel = "S",
      description = "seconds to wait for the guest after the power button (5-60)")
  Integer timeout;

  @Option(
      names = "--arch",
      paramLabel = "riscv64|x86_64",
      description = "guest architecture for QEMU (default riscv64)")
  String arch;

  @Option(
      names = "--machine",
      paramLabel = "TYPE",
      description = "QEMU machine type: virt (riscv64), pc or q35 (x86_64)")
  String machine;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      description = "virtual CPUs (QEMU)",
      converter = Positive.class)
  Integer cpus;

  @Option(
      names = "--cdrom",
      paramLabel = "FILE",
      description = "CD-ROM image for QEMU (absolute path; empty to remove)")
  String cdrom;

  @Option(
      names = "--accel",
      paramLabel = "auto|kvm|tcg",
      converter = AccelConverter.class,
      description =
          "QEMU's accelerator: auto (default) uses KVM once a probe guest proved it runs well"
              + " here, kvm forces it, tcg never uses it")
  VmSpec.Accel accel;

  /** {@code --accel} in any case, with one line naming the choices when it is none of them. */
  static final class AccelConverter implements CommandLine.ITypeConverter<VmSpec.Accel> {
    @Override
    public VmSpec.Accel convert(String value) {
      for (VmSpec.Accel a : VmSpec.Accel.values()) {
        if (a.id().equalsIgnoreCase(value)) {
          return a;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not an accelerator: use auto, kvm or tcg");
    }
  }

  /** A count of at least 1: the spec turns anything less into 1, which would hide the mistake. */
  static final class Positive implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      int n;
      try {
        n = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not a number");
      }
      if (n < 1) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not 1 or more");
      }
      return n;
    }
  }

  /** {@code base} with every option the user gave applied. */
  VmSpec applyTo(VmSpec base) {
    VmSpec.Backend b = base.backend();
    if (backend != null) {
      b =
          backend.equalsIgnoreCase("qemu")
              ? VmSpec.Backend.QEMU
              : backend.equalsIgnoreCase("bundled") ? VmSpec.Backend.BUNDLED : null;
    }
    return new VmSpec(
        base.name(),
        b,
        memory != null ? memory : base.memoryMiB(),
        kernel != null ? kernel : base.kernel(),
        initrd != null ? initrd : base.initrd(),
        append != null ? append : base.append(),
        bios != null ? bios : base.bios(),
        disks == null ? base.disks() : disks.stream().filter(d -> !d.isEmpty()).toList(),
        timeout != null ? timeout : base.powerButtonTimeoutSeconds(),
        base.schemaVersion(),
        arch != null ? arch : base.arch(),
        machine != null ? machine : base.machine(),
        cpus != null ? cpus : base.cpus(),
        cdrom != null ? cdrom : base.cdrom(),
        accel != null ? accel : base.accel(),
        base.connection());
  }
}
