package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuCommandLineTest {
  private static final QemuInstallation X86 =
      new QemuInstallation("x86_64", Path.of("/usr/bin/qemu-system-x86_64"), "7.2.22");
  private static final QemuRuntime RT = new QemuRuntime(Path.of("/run/b/vm"));

  private static VmSpec spec(String arch, String machine, List<String> disks, String cdrom) {
    return new VmSpec(
        "vm",
        VmSpec.Backend.QEMU,
        512,
        "/k/vmlinuz",
        "/k/initrd",
        "console=ttyS0 quiet",
        null,
        disks,
        30,
        1,
        arch,
        machine,
        2,
        cdrom);
  }

  /** The value after {@code option}'s n-th occurrence. */
  private static String after(List<String> cmd, String option, int n) {
    for (int i = 0; i < cmd.size() - 1; i++) {
      if (cmd.get(i).equals(option) && n-- == 0) {
        return cmd.get(i + 1);
      }
    }
    return null;
  }

  @Test
  void x86PcWithEveryConsoleOnASocket() {
    List<String> cmd = QemuCommandLine.build(spec("x86_64", null, List.of(), null), X86, RT, "tcg");
    assertEquals("/usr/bin/qemu-system-x86_64", cmd.get(0));
    assertEquals("pc,accel=tcg", after(cmd, "-machine", 0));
    assertEquals("512M", after(cmd, "-m", 0));
    assertEquals("2", after(cmd, "-smp", 0));
    assertEquals("console=ttyS0 quiet", after(cmd, "-append", 0));
    assertEquals("unix:/run/b/vm/qmp.sock,server=on,wait=off", after(cmd, "-qmp", 0));
    assertEquals("unix:/run/b/vm/monitor.sock,server=on,wait=off", after(cmd, "-qmp", 1));
    assertEquals("virtio-serial-pci", after(cmd, "-device", 0));
    assertEquals(
        "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0", after(cmd, "-device", 1));
    assertEquals("vnc=unix:/run/b/vm/vnc.sock", after(cmd, "-display", 0));
    assertEquals("/run/b/vm/qemu.pid", after(cmd, "-pidfile", 0));
    assertFalse(cmd.contains("-no-shutdown"), "QEMU must exit when the guest powers off");
  }

  @Test
  void q35WithDisksAndACdromEscapesCommas() {
    List<String> cmd =
        QemuCommandLine.build(
            spec("x86_64", "q35", List.of("/d/a,b.img"), "/d/inst.iso"), X86, RT, "kvm");
    assertEquals("q35,accel=kvm", after(cmd, "-machine", 0));
    assertEquals(
        "file=/d/a,,b.img,format=raw,if=none,id=disk0,node-name=disk0-format",
        after(cmd, "-drive", 0));
    assertTrue(cmd.contains("virtio-blk-pci,drive=disk0"));
    assertEquals("file=/d/inst.iso,media=cdrom,readonly=on,if=ide", after(cmd, "-drive", 1));
  }

  @Test
  void aMachineTypeThatIsNotOneIsNeverPassedToQemu() {
    // A spec file edited by hand skips the dialog's validation: the command line checks again.
    for (String m : new String[] {"pc-,accel=tcg -device foo", "pc,accel=kvm", "q35 ", "virt"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> QemuCommandLine.build(spec("x86_64", m, List.of(), null), X86, RT, "tcg"),
          m);
    }
    List<String> cmd =
        QemuCommandLine.build(spec("x86_64", "pc-q35-7.2", List.of(), null), X86, RT, "tcg");
    assertEquals("pc-q35-7.2,accel=tcg", after(cmd, "-machine", 0));
  }

  @Test
  void runtimePathsWithCommasAreEscapedInOptionStrings() {
    QemuRuntime odd = new QemuRuntime(Path.of("/run/a,server=off/vm"));
    List<String> cmd =
        QemuCommandLine.build(spec("x86_64", null, List.of(), null), X86, odd, "tcg");
    assertEquals("unix:/run/a,,server=off/vm/qmp.sock,server=on,wait=off", after(cmd, "-qmp", 0));
    assertTrue(after(cmd, "-chardev", 0).startsWith("socket,id=serial0,path=/run/a,,server=off/"));
  }

  @Test
  void riscvVirtUsesVirtioMmioInModernMode() {
    QemuInstallation rv =
        new QemuInstallation("riscv64", Path.of("/usr/bin/qemu-system-riscv64"), "7.2.22");
    List<String> cmd = QemuCommandLine.build(spec("riscv64", null, List.of(), null), rv, RT, "tcg");
    assertEquals("virt,accel=tcg", after(cmd, "-machine", 0));
    assertEquals("virtio-mmio.force-legacy=false", after(cmd, "-global", 0));
    assertTrue(cmd.contains("virtio-serial-device"));
    assertTrue(cmd.contains("virtio-keyboard-device"));
  }

  @Test
  void missingQemuIsOneLineThatSaysWhatToInstall(@TempDir Path empty) {
    QemuInstallation.MissingException e =
        assertThrows(
            QemuInstallation.MissingException.class,
            () -> QemuInstallation.find("x86_64", Map.of("BERTH_QEMU_DIR", empty.toString())));
    assertEquals(
        "QEMU is not installed: qemu-system-x86_64 was not found on $BERTH_QEMU_DIR"
            + " (Debian/Ubuntu: apt install qemu-system-x86)",
        e.getMessage());
  }

  @Test
  void aBinaryThatIsNotQemuIsRefused(@TempDir Path dir) throws Exception {
    Path fake = dir.resolve("qemu-system-riscv64");
    Files.writeString(fake, "#!/bin/sh\necho 'segmentation fault'\nexit 139\n");
    assertTrue(fake.toFile().setExecutable(true));
    QemuInstallation.MissingException e =
        assertThrows(
            QemuInstallation.MissingException.class,
            () -> QemuInstallation.find("riscv64", Map.of("BERTH_QEMU_DIR", dir.toString())));
    assertTrue(e.getMessage().endsWith("does not run: segmentation fault"), e.getMessage());
  }

  @Test
  void theRealQemuReportsItsVersion() throws Exception {
    QemuInstallation q = QemuInstallation.find("riscv64");
    assertTrue(q.versionNumber().matches("\\d+\\.\\d+\\.\\d+"), q.version());
  }
}
