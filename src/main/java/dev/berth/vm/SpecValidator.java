package dev.berth.vm;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a {@link VmSpec} the way the New/Edit dialog needs it: every problem, one readable message
 * per field, keyed by the field's JSON name. Nothing is thrown and nothing is adjusted.
 *
 * <p>Paths must be absolute: a relative one would mean something different depending on where Berth
 * was started.
 */
public final class SpecValidator {
  public static final String NAME = "name";
  public static final String BACKEND = "backend";
  public static final String MEMORY = "memoryMiB";
  public static final String KERNEL = "kernel";
  public static final String INITRD = "initrd";
  public static final String BIOS = "bios";
  public static final String DISKS = "disks";
  public static final String POWER_BUTTON_TIMEOUT = "powerButtonTimeoutSeconds";
  public static final String ARCH = "arch";
  public static final String MACHINE = "machine";
  public static final String CPUS = "cpus";
  public static final String CDROM = "cdrom";
  public static final String ACCEL = "accel";
  public static final int MAX_CPUS = 64;

  /**
   * The bundled core's limits (guest RAM is one Java array), as MachineConfig enforces them: the
   * model does not import the core, BundledLimitsTest keeps the two equal.
   */
  public static final int BUNDLED_MIN_MEMORY_MIB = 4;

  public static final int BUNDLED_MAX_MEMORY_MIB = 2047;
  public static final int QEMU_MIN_MEMORY_MIB = 16;
  public static final int QEMU_MAX_MEMORY_MIB = 1_048_576;
  public static final int MIN_POWER_BUTTON_TIMEOUT = 5;
  public static final int MAX_POWER_BUTTON_TIMEOUT = 60;

  private final Set<String> bundledGuests;
  private final Map<String, GuestMinimum> minimums;

  /**
   * The least memory a bundled guest boots with, and why, for a one-line error.
   *
   * @param why what happens below it
   */
  public record GuestMinimum(int mib, String why) {}

  /**
   * @param bundledGuests the guests shipped inside Berth that {@code bundled:<guest>} may name
   */
  public SpecValidator(Set<String> bundledGuests) {
    this(bundledGuests, Map.of());
  }

  /**
   * @param minimums the least memory of the bundled guests that need more than the core's minimum
   */
  public SpecValidator(Set<String> bundledGuests, Map<String, GuestMinimum> minimums) {
    this.bundledGuests = Collections.unmodifiableSet(new TreeSet<>(bundledGuests));
    this.minimums = Map.copyOf(minimums);
  }

  /**
   * @param otherNames the names of the other VMs (not the one being edited)
   * @return field name to message, in the dialog's field order; empty if the spec is valid
   */
  public Map<String, String> validate(VmSpec spec, Collection<String> otherNames) {
    Map<String, String> problems = new LinkedHashMap<>();
    put(problems, NAME, nameProblem(spec.name(), otherNames));
    if (spec.backend() == null) {
      problems.put(BACKEND, "Choose a backend");
    } else {
      put(problems, MEMORY, memoryProblem(spec.backend(), spec.memoryMiB()));
      // Map.copyOf's get refuses null: a spec that names no bundled guest has no minimum
      GuestMinimum min =
          spec.backend() == VmSpec.Backend.BUNDLED && spec.bundledGuest() != null
              ? minimums.get(spec.bundledGuest())
              : null;
      if (min != null && spec.memoryMiB() < min.mib()) {
        problems.putIfAbsent(
            MEMORY, spec.kernel() + " needs at least " + min.mib() + " MiB (" + min.why() + ")");
      }
    }
    boolean qemu = spec.backend() == VmSpec.Backend.QEMU;
    if (spec.kernel() == null && qemu && (!spec.disks().isEmpty() || spec.cdrom() != null)) {
      // QEMU boots from a disk or CD-ROM with its firmware
    } else {
      put(problems, KERNEL, kernelProblem(spec.kernel()));
    }
    if (qemu && spec.kernel() != null && spec.kernel().startsWith(VmSpec.BUNDLED_PREFIX)) {
      problems.putIfAbsent(KERNEL, "Bundled guests run on the bundled core; QEMU needs a file");
    }
    put(problems, ARCH, archProblem(spec));
    put(problems, MACHINE, machineProblem(spec));
    if (spec.cpus() < 1 || spec.cpus() > (qemu ? MAX_CPUS : 1)) {
      problems.put(
          CPUS,
          qemu
              ? "Use 1 to " + MAX_CPUS + " CPUs (not " + spec.cpus() + ")"
              : "The bundled core has one CPU");
    }
    if (spec.cdrom() != null) {
      put(problems, CDROM, qemu ? fileProblem(spec.cdrom()) : "The bundled core has no CD-ROM");
    }
    if (!qemu && spec.accel() != VmSpec.Accel.AUTO) {
      problems.put(ACCEL, "The bundled core has no accelerator to choose");
    }
    if (spec.initrd() != null) {
      put(problems, INITRD, fileProblem(spec.initrd()));
    }
    if (spec.bios() != null && !spec.bios().equals("none")) {
      put(problems, BIOS, fileProblem(spec.bios()));
    }
    put(problems, DISKS, disksProblem(spec.disks()));
    put(problems, POWER_BUTTON_TIMEOUT, timeoutProblem(spec.powerButtonTimeoutSeconds()));
    return Collections.unmodifiableMap(problems);
  }

  /** What is wrong with a power-button timeout of {@code seconds}, or null. */
  public static String timeoutProblem(int seconds) {
    if (seconds >= MIN_POWER_BUTTON_TIMEOUT && seconds <= MAX_POWER_BUTTON_TIMEOUT) {
      return null;
    }
    return "Use "
        + MIN_POWER_BUTTON_TIMEOUT
        + " to "
        + MAX_POWER_BUTTON_TIMEOUT
        + " seconds (not "
        + seconds
        + ")";
  }

  private static String archProblem(VmSpec spec) {
    if (spec.arch().equals("riscv64")) {
      return null;
    }
    if (spec.arch().equals("x86_64")) {
      return spec.backend() == VmSpec.Backend.BUNDLED
          ? "The bundled core is riscv64; use QEMU for x86_64"
          : null;
    }
    return "Use riscv64 or x86_64 (not " + spec.arch() + ")";
  }

  /**
   * QEMU's machine types that Berth drives: x86_64 {@code pc} and {@code q35} and their versioned
   * names ({@code pc-i440fx-7.2}, {@code pc-q35-4.0.1}), riscv64 {@code virt}. The whole text must
   * match: it goes into QEMU's {@code -machine} option string, where a comma would start a property
   * of the user's choosing.
   */
  private static final Pattern X86_MACHINE =
      Pattern.compile("pc|q35|pc-(i440fx|q35)-\\d{1,2}\\.\\d{1,2}(\\.\\d{1,2})?");

  /** True if {@code machine} is a machine type Berth may hand to QEMU for {@code arch}. */
  public static boolean isMachineType(String arch, String machine) {
    return arch.equals("x86_64")
        ? X86_MACHINE.matcher(machine).matches()
        : arch.equals("riscv64") && machine.equals("virt");
  }

  private static String machineProblem(VmSpec spec) {
    String m = spec.machine();
    if (m == null || isMachineType(spec.arch(), m)) {
      return null;
    }
    return spec.arch().equals("x86_64")
        ? "Use pc, q35 or a versioned name such as pc-q35-7.2 on x86_64"
        : "Use virt on " + spec.arch();
  }

  private static String nameProblem(String name, Collection<String> otherNames) {
    String problem = VmNames.problem(name);
    if (problem != null) {
      return problem;
    }
    String key = name.toLowerCase(Locale.ROOT);
    for (String other : otherNames) {
      if (other != null && other.toLowerCase(Locale.ROOT).equals(key)) {
        return "A VM named \"" + other + "\" already exists";
      }
    }
    return null;
  }

  private static String memoryProblem(VmSpec.Backend backend, int mib) {
    int min = backend == VmSpec.Backend.BUNDLED ? BUNDLED_MIN_MEMORY_MIB : QEMU_MIN_MEMORY_MIB;
    int max = backend == VmSpec.Backend.BUNDLED ? BUNDLED_MAX_MEMORY_MIB : QEMU_MAX_MEMORY_MIB;
    if (mib >= min && mib <= max) {
      return null;
    }
    String where = backend == VmSpec.Backend.BUNDLED ? "the bundled core" : "QEMU";
    return "Use " + min + " to " + max + " MiB on " + where + " (not " + mib + ")";
  }

  private String kernelProblem(String kernel) {
    if (kernel == null || kernel.isBlank()) {
      return "Choose a kernel image";
    }
    if (kernel.startsWith(VmSpec.BUNDLED_PREFIX)) {
      String guest = kernel.substring(VmSpec.BUNDLED_PREFIX.length());
      if (bundledGuests.contains(guest)) {
        return null;
      }
      return "Berth has no bundled guest \""
          + guest
          + "\""
          + (bundledGuests.isEmpty() ? "" : " (it has: " + String.join(", ", bundledGuests) + ")");
    }
    return fileProblem(kernel);
  }

  private static String disksProblem(List<String> disks) {
    for (int i = 0; i < disks.size(); i++) {
      String problem = pathProblem(disks.get(i), false);
      if (problem == null) {
        problem = dev.berth.io.DiskImages.problem(Path.of(disks.get(i)));
      }
      if (problem != null) {
        return "Disk " + (i + 1) + ": " + problem;
      }
    }
    return null;
  }

  /** A regular file this user can read. */
  private static String fileProblem(String path) {
    return pathProblem(path, true);
  }

  private static String pathProblem(String text, boolean regularFile) {
    if (text == null || text.isBlank()) {
      return "Enter a path";
    }
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      return "Not a valid path: " + text;
    }
    if (!path.isAbsolute()) {
      return "Use a full path (starting with /): " + text;
    }
    if (!Files.exists(path)) {
      return "No such file: " + text;
    }
    if (Files.isDirectory(path)) {
      return "This is a directory, not a file: " + text;
    }
    if (regularFile && !Files.isRegularFile(path)) {
      return "Not a regular file: " + text;
    }
    if (!Files.isReadable(path)) {
      return "Berth cannot read " + text;
    }
    return null;
  }

  private static void put(Map<String, String> problems, String field, String message) {
    if (message != null) {
      problems.put(field, message);
    }
  }
}
