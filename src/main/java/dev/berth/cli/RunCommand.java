package dev.berth.cli;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.Machine;
import dev.berth.core.machine.MachineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth run}: boots a kernel on the bundled core, headless, like QEMU's -nographic. */
@Command(
    name = "run",
    description = {
      "Boot a RISC-V program or kernel on the bundled core with the serial console on this"
          + " terminal, like qemu-system-riscv64 -machine virt -nographic.",
      "Press Ctrl+A h for the power keys: p = power button, x = quit, t = terminate,"
          + " k = kill, r = reset, z = pause/resume.",
      "The exit status follows QEMU: 0 after a shutdown, the guest's code after a failure"
          + " exit (sifive_test)."
    },
    mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--kernel",
      required = true,
      paramLabel = "FILE",
      description = "ELF program or RISC-V Linux Image to boot")
  Path kernel;

  @Option(
      names = {"-m", "--memory"},
      paramLabel = "SIZE",
      defaultValue = "128M",
      description = "guest RAM, e.g. 128M or 1G (default: ${DEFAULT-VALUE})")
  String memory;

  @Option(names = "--initrd", paramLabel = "FILE", description = "initial ramdisk")
  Path initrd;

  @Option(
      names = "--append",
      paramLabel = "CMDLINE",
      defaultValue = "",
      description = "kernel command line")
  String append;

  @Option(
      names = "--bios",
      paramLabel = "FILE|none",
      defaultValue = "none",
      description = "M-mode firmware (e.g. OpenSBI fw_jump.bin), or none (default)")
  String bios;

  @Option(
      names = "--drive",
      paramLabel = "FILE",
      description =
          "attach a raw disk image as virtio-blk (vda, vdb, ...); file=FILE,readonly=on for a"
              + " read-only one")
  List<String> drives = new ArrayList<>();

  @Option(
      names = "--events",
      paramLabel = "FILE|-",
      description = "write QMP-shaped events as JSON lines to FILE, or - for stderr")
  String events;

  private final ConsoleIo io;

  public RunCommand() {
    this(ConsoleIo.system());
  }

  RunCommand(ConsoleIo io) {
    this.io = io;
  }

  @Option(
      names = "--no-jit",
      description = "run the guest on the interpreter alone (no translation to JVM bytecode)")
  boolean noJit;

  @Override
  public Integer call() throws Exception {
    MachineConfig config;
    try {
      long bytes = Sizes.parse(memory);
      config =
          new MachineConfig(
                  kernel.getFileName().toString(),
                  bytes,
                  ImageSource.fromPath(kernel, bytes),
                  initrd == null ? null : ImageSource.fromPath(initrd, bytes),
                  append,
                  "none".equals(bios) ? null : ImageSource.fromPath(Path.of(bios), bytes))
              .withDrives(drives.stream().map(DriveOption::parse).toList());
    } catch (ImageException | IllegalArgumentException e) {
      io.err().println("berth: " + e.getMessage());
      return 1;
    }
    Machine m;
    try {
      m = new Machine(config, !noJit && dev.berth.core.cpu.Hart.translationByDefault());
    } catch (ImageException e) {
      io.err().println("berth: " + e.getMessage());
      return 1;
    }
    dev.berth.backend.bundled.BundledVm vm = dev.berth.backend.bundled.BundledVm.of(m);
    return Foreground.run(
        new Foreground.Target(vm, new dev.berth.vm.DirectControls(vm), vm::setConsoleSink, true),
        io,
        events);
  }
}
