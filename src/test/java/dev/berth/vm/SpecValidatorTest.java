package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {
  @TempDir Path tmp;

  private final SpecValidator validator = new SpecValidator(Set.of("demo", "pm_button"));
  private Path kernel;
  private VmSpec valid;

  @BeforeEach
  void files() throws IOException {
    kernel = Files.writeString(tmp.resolve("Image"), "kernel");
    valid =
        new VmSpec(
            "linux",
            VmSpec.Backend.QEMU,
            256,
            kernel.toString(),
            null,
            "",
            null,
            List.of(),
            30,
            1,
            "riscv64",
            null,
            1,
            null);
  }

  private Map<String, String> check(VmSpec spec) {
    return validator.validate(spec, List.of("Other", "demo"));
  }

  private static VmSpec with(
      VmSpec s,
      String name,
      VmSpec.Backend backend,
      int mem,
      String kernel,
      String initrd,
      String bios,
      List<String> disks,
      int timeout) {
    return new VmSpec(
        name,
        backend,
        mem,
        kernel,
        initrd,
        s.append(),
        bios,
        disks,
        timeout,
        1,
        "riscv64",
        null,
        1,
        null);
  }

  private VmSpec named(String name) {
    return valid.withName(name);
  }

  private VmSpec memory(VmSpec.Backend backend, int mib) {
    return with(valid, "x", backend, mib, valid.kernel(), null, null, List.of(), 30);
  }

  private VmSpec kernel(String kernel) {
    return with(valid, "x", VmSpec.Backend.BUNDLED, 64, kernel, null, null, List.of(), 30);
  }

  private static VmSpec x86(String machine) {
    return VmSpec.of("x", VmSpec.Backend.QEMU, "/bin/sh").withQemu("x86_64", machine);
  }

  @Test
  void aBundledGuestsOwnMinimumIsOneLineWithItsReason() {
    SpecValidator withLinux =
        new SpecValidator(
            Set.of("linux"), Map.of("linux", new SpecValidator.GuestMinimum(65, "it hangs")));
    VmSpec linux = VmSpec.defaultLinux();
    VmSpec small =
        with(linux, "x", VmSpec.Backend.BUNDLED, 64, linux.kernel(), null, null, List.of(), 30);
    assertEquals(
        "bundled:linux needs at least 65 MiB (it hangs)",
        withLinux.validate(small, List.of()).get(SpecValidator.MEMORY));
    VmSpec enough =
        with(linux, "x", VmSpec.Backend.BUNDLED, 65, linux.kernel(), null, null, List.of(), 30);
    assertFalse(withLinux.validate(enough, List.of()).containsKey(SpecValidator.MEMORY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pc", "q35", "pc-i440fx-7.2", "pc-q35-4.0.1", "pc-q35-10.1"})
  void acceptsQemusMachineTypes(String machine) {
    assertFalse(check(x86(machine)).containsKey(SpecValidator.MACHINE), machine);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"pc-,accel=tcg -device foo", "pc-", "pc,accel=kvm", "q35 ", "pc-q35-7", "virt"})
  void rejectsTextThatIsNotAMachineType(String machine) {
    assertTrue(check(x86(machine)).containsKey(SpecValidator.MACHINE), machine);
  }

  @Test
  void aValidSpecHasNoProblems() {
    assertEquals(Map.of(), check(valid));
    assertEquals(Map.of(), check(VmSpec.defaultDemo().withName("demo2")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "A-b_c.1", "0", "vm.2024-01-01"})
  void acceptsGoodNames(String name) {
    assertFalse(check(named(name)).containsKey(SpecValidator.NAME), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".hidden", "-flag", "has space", "a/b", "..", "ünï", "semi;colon"})
  void rejectsBadNames(String name) {
    assertTrue(check(named(name)).containsKey(SpecValidator.NAME), name);
  }

  @Test
  void nameLengthIsAtMost64() {
    assertFalse(check(named("n".repeat(64))).containsKey(SpecValidator.NAME));
    String message = check(named("n".repeat(65))).get(SpecValidator.NAME);
    assertTrue(message.contains("64"), message);
  }

  @Test
  void nullNameIsAProblemNotAnException() {
    assertTrue(check(named(null)).containsKey(SpecValidator.NAME));
  }

  @Test
  void nameMustBeUniqueIgnoringCase() {
    String message = check(named("other")).get(SpecValidator.NAME);
    assertTrue(message.contains("Other"), message);
    assertTrue(check(named("DEMO")).containsKey(SpecValidator.NAME));
    assertFalse(check(named("other2")).containsKey(SpecValidator.NAME));
  }

  @Test
  void bundledMemoryIs4To2047MiB() {
    assertFalse(check(memory(VmSpec.Backend.BUNDLED, 4)).containsKey(SpecValidator.MEMORY));
    assertFalse(check(memory(VmSpec.Backend.BUNDLED, 2047)).containsKey(SpecValidator.MEMORY));
    assertTrue(check(memory(VmSpec.Backend.BUNDLED, 3)).containsKey(SpecValidator.MEMORY));
    String message = check(memory(VmSpec.Backend.BUNDLED, 2048)).get(SpecValidator.MEMORY);
    assertTrue(message.contains("2047") && message.contains("bundled"), message);
  }

  @Test
  void qemuMemoryIs16MiBTo1TiB() {
    assertFalse(check(memory(VmSpec.Backend.QEMU, 16)).containsKey(SpecValidator.MEMORY));
    assertFalse(check(memory(VmSpec.Backend.QEMU, 1_048_576)).containsKey(SpecValidator.MEMORY));
    assertFalse(check(memory(VmSpec.Backend.QEMU, 4096)).containsKey(SpecValidator.MEMORY));
    assertTrue(check(memory(VmSpec.Backend.QEMU, 15)).containsKey(SpecValidator.MEMORY));
    assertTrue(check(memory(VmSpec.Backend.QEMU, 1_048_577)).containsKey(SpecValidator.MEMORY));
  }

  @Test
  void missingBackendIsReported() {
    assertTrue(check(memory(null, 64)).containsKey(SpecValidator.BACKEND));
  }

  @Test
  void kernelMustBeGiven() {
    assertTrue(check(kernel("")).containsKey(SpecValidator.KERNEL));
    assertTrue(check(kernel(null)).containsKey(SpecValidator.KERNEL));
  }

  @Test
  void bundledKernelMustNameAKnownGuest() {
    assertFalse(check(kernel("bundled:demo")).containsKey(SpecValidator.KERNEL));
    assertFalse(check(kernel("bundled:pm_button")).containsKey(SpecValidator.KERNEL));
    String message = check(kernel("bundled:nope")).get(SpecValidator.KERNEL);
    assertTrue(message.contains("nope") && message.contains("demo"), message);
    assertTrue(check(kernel("bundled:")).containsKey(SpecValidator.KERNEL));
  }

  @Test
  void kernelPathMustBeAnExistingRegularFile() throws IOException {
    assertFalse(check(kernel(kernel.toString())).containsKey(SpecValidator.KERNEL));
    assertTrue(
        check(kernel(tmp.resolve("missing").toString())).get(SpecValidator.KERNEL).contains("No"));
    assertTrue(check(kernel(tmp.toString())).containsKey(SpecValidator.KERNEL), "a directory");
    assertTrue(check(kernel("Image")).containsKey(SpecValidator.KERNEL), "a relative path");
  }

  @Test
  void initrdBiosAndDisksMustExist() throws IOException {
    Path initrd = Files.writeString(tmp.resolve("initrd"), "x");
    Path disk = Files.write(tmp.resolve("disk.img"), new byte[512]);
    String missing = tmp.resolve("missing").toString();

    VmSpec good =
        with(
            valid,
            "x",
            VmSpec.Backend.QEMU,
            64,
            kernel.toString(),
            initrd.toString(),
            "none",
            List.of(disk.toString()),
            30);
    assertEquals(Map.of(), check(good));

    VmSpec bad =
        with(
            valid,
            "x",
            VmSpec.Backend.QEMU,
            64,
            kernel.toString(),
            missing,
            missing,
            List.of(disk.toString(), missing),
            30);
    Map<String, String> problems = check(bad);
    assertEquals(
        Set.of(SpecValidator.INITRD, SpecValidator.BIOS, SpecValidator.DISKS), problems.keySet());
    assertTrue(problems.get(SpecValidator.DISKS).startsWith("Disk 2"), problems.toString());
    assertTrue(problems.get(SpecValidator.INITRD).contains(missing));
  }

  @Test
  void powerButtonTimeoutIs5To60Seconds() {
    for (int ok : new int[] {5, 30, 60}) {
      VmSpec s =
          with(valid, "x", VmSpec.Backend.QEMU, 64, kernel.toString(), null, null, List.of(), ok);
      assertFalse(check(s).containsKey(SpecValidator.POWER_BUTTON_TIMEOUT), "" + ok);
    }
    for (int bad : new int[] {0, 4, 61}) {
      VmSpec s =
          with(valid, "x", VmSpec.Backend.QEMU, 64, kernel.toString(), null, null, List.of(), bad);
      assertTrue(check(s).containsKey(SpecValidator.POWER_BUTTON_TIMEOUT), "" + bad);
    }
  }

  @Test
  void everyBadFieldGetsItsOwnMessageAndNothingIsClamped() {
    VmSpec bad =
        with(
            valid,
            ".bad",
            VmSpec.Backend.BUNDLED,
            9999,
            "bundled:missing",
            tmp.resolve("no-initrd").toString(),
            null,
            List.of(),
            1);

    Map<String, String> problems = check(bad);

    assertEquals(
        Set.of(
            SpecValidator.NAME,
            SpecValidator.MEMORY,
            SpecValidator.KERNEL,
            SpecValidator.INITRD,
            SpecValidator.POWER_BUTTON_TIMEOUT),
        problems.keySet());
    problems.values().forEach(m -> assertFalse(m.isBlank()));
    assertEquals(9999, bad.memoryMiB());
  }
}
