package dev.berth.vm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;

/**
 * What a VM is: the settings a user edits in the New/Edit dialog and Berth stores as JSON. The
 * record holds any values, including invalid ones, so a dialog can build one from its fields and
 * ask {@link SpecValidator} what is wrong; it only fills in defaults ({@code append} "", {@code
 * disks} empty) and treats a blank {@code initrd} or {@code bios} as not set.
 *
 * <p>In JSON, unknown properties are ignored (a newer Berth may add some); {@code name} and {@code
 * backend} are required; the others take their defaults when missing.
 *
 * @param kernel a file path, or {@code bundled:<guest>} for a guest image shipped inside Berth
 * @param initrd a file path, or null
 * @param bios "none", a file path, or null (the backend's default)
 * @param arch the guest architecture for QEMU: "riscv64" (the bundled core's) or "x86_64"
 * @param machine QEMU's machine type ("virt", "pc", "q35"), or null for the arch's default
 * @param cpus virtual CPUs for QEMU (the bundled core has one)
 * @param cdrom a CD-ROM image for QEMU, or null
 * @param connection the libvirt URI of a VM libvirt runs ({@code qemu:///system}, {@code
 *     qemu+ssh://host/system}), or null
 * @param accel QEMU's accelerator: {@code AUTO} (KVM once a probe guest proved it works), {@code
 *     KVM} or {@code TCG}; null reads as {@code AUTO}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "schemaVersion",
  "name",
  "backend",
  "memoryMiB",
  "kernel",
  "initrd",
  "append",
  "bios",
  "disks",
  "powerButtonTimeoutSeconds",
  "arch",
  "machine",
  "cpus",
  "cdrom",
  "accel",
  "connection"
})
public record VmSpec(
    String name,
    Backend backend,
    int memoryMiB,
    String kernel,
    String initrd,
    String append,
    String bios,
    List<String> disks,
    int powerButtonTimeoutSeconds,
    int schemaVersion,
    String arch,
    String machine,
    int cpus,
    String cdrom,
    Accel accel,
    String connection) {

  public static final int SCHEMA_VERSION = 1;
  public static final int DEFAULT_MEMORY_MIB = 128;
  public static final int DEFAULT_POWER_BUTTON_TIMEOUT_SECONDS = 30;
  public static final String DEFAULT_ARCH = "riscv64";

  /** The prefix of a {@link #kernel} that names a guest image shipped inside Berth. */
  public static final String BUNDLED_PREFIX = "bundled:";

  /** How QEMU runs the guest's code. */
  public enum Accel {
    /** KVM if the KVM probe showed it runs a guest well on this host, else TCG. */
    @JsonProperty("auto")
    AUTO,
    @JsonProperty("kvm")
    KVM,
    @JsonProperty("tcg")
    TCG;

    /** The name in JSON, in {@code --accel} and in QEMU's {@code accel=}. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What runs the VM. */
  public enum Backend {
    /** Berth's own RISC-V core. */
    @JsonProperty("bundled")
    BUNDLED,
    /** QEMU that Berth launches. */
    @JsonProperty("qemu")
    QEMU,
    /** A domain libvirt runs, on this host or another ({@link #connection}). */
    @JsonProperty("libvirt")
    LIBVIRT;

    /** The name people read: "bundled core", "QEMU", "libvirt". */
    public String label() {
      return switch (this) {
        case BUNDLED -> "bundled core";
        case QEMU -> "QEMU";
        case LIBVIRT -> "libvirt";
      };
    }

    /** The name in JSON and on the command line. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public VmSpec {
    initrd = blankToNull(initrd);
    bios = blankToNull(bios);
    append = append == null ? "" : append;
    disks = disks == null ? List.of() : List.copyOf(disks);
    kernel = blankToNull(kernel);
    arch = arch == null || arch.isBlank() ? DEFAULT_ARCH : arch;
    machine = blankToNull(machine);
    cpus = cpus <= 0 ? 1 : cpus;
    cdrom = blankToNull(cdrom);
    accel = accel == null ? Accel.AUTO : accel;
    connection = blankToNull(connection);
  }

  /** A spec from before the accelerator setting: {@link Accel#AUTO}. */
  public VmSpec(
      String name,
      Backend backend,
      int memoryMiB,
      String kernel,
      String initrd,
      String append,
      String bios,
      List<String> disks,
      int powerButtonTimeoutSeconds,
      int schemaVersion,
      String arch,
      String machine,
      int cpus,
      String cdrom) {
    this(
        name,
        backend,
        memoryMiB,
        kernel,
        initrd,
        append,
        bios,
        disks,
        powerButtonTimeoutSeconds,
        schemaVersion,
        arch,
        machine,
        cpus,
        cdrom,
        Accel.AUTO,
        null);
  }

  /**
   * The name this VM's runs are kept under in the history: its name, or for a libvirt domain its
   * name tagged with its host (domains of two hosts, or a domain and a VM of Berth's own, may share
   * a name). Always a valid {@link VmNames} name.
   */
  public String historyKey() {
    if (backend != Backend.LIBVIRT || connection == null) {
      return name;
    }
    String host = hex(sha256(connection), 4);
    String key = "libvirt-" + host + "-" + name;
    return key.length() <= VmNames.MAX_LENGTH
        ? key
        : "libvirt-" + hex(sha256(connection + "\n" + name), 16);
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static String hex(byte[] b, int n) {
    return java.util.HexFormat.of().formatHex(b, 0, n);
  }

  /** The spec of domain {@code name} that libvirt runs at {@code uri}, as Berth lists it. */
  public static VmSpec libvirt(String name, String uri) {
    return new VmSpec(
        name,
        Backend.LIBVIRT,
        0,
        null,
        null,
        "",
        null,
        List.of(),
        DEFAULT_POWER_BUTTON_TIMEOUT_SECONDS,
        SCHEMA_VERSION,
        "x86_64",
        null,
        1,
        null,
        Accel.AUTO,
        uri);
  }

  /** A spec with the defaults for everything but the required fields. */
  public static VmSpec of(String name, Backend backend, String kernel) {
    return new VmSpec(
        name,
        backend,
        DEFAULT_MEMORY_MIB,
        kernel,
        null,
        "",
        null,
        List.of(),
        DEFAULT_POWER_BUTTON_TIMEOUT_SECONDS,
        SCHEMA_VERSION,
        DEFAULT_ARCH,
        null,
        1,
        null);
  }

  /** The VM a first run of Berth shows: the demo guest on the bundled core. */
  public static VmSpec defaultDemo() {
    return of("demo", Backend.BUNDLED, BUNDLED_PREFIX + "demo");
  }

  /**
   * The Linux VM a first run of Berth shows too: the Berth Linux guest on the bundled core, with
   * its own data disk.
   */
  public static VmSpec defaultLinux() {
    return of("linux", Backend.BUNDLED, BUNDLED_PREFIX + "linux");
  }

  /** The bundled guest {@link #kernel} names ("demo" for "bundled:demo"), or null for a path. */
  public String bundledGuest() {
    return kernel != null && kernel.startsWith(BUNDLED_PREFIX)
        ? kernel.substring(BUNDLED_PREFIX.length())
        : null;
  }

  public VmSpec withName(String newName) {
    return with(newName, backend, powerButtonTimeoutSeconds, arch, machine);
  }

  public VmSpec withPowerButtonTimeout(int seconds) {
    return with(name, backend, seconds, arch, machine);
  }

  /** This spec for QEMU on {@code arch} with machine type {@code machine} (null: its default). */
  public VmSpec withQemu(String newArch, String newMachine) {
    return with(name, Backend.QEMU, powerButtonTimeoutSeconds, newArch, newMachine);
  }

  /** This spec with the fields the withers change. */
  private VmSpec with(
      String newName, Backend newBackend, int timeout, String newArch, String newMachine) {
    return new VmSpec(
        newName,
        newBackend,
        memoryMiB,
        kernel,
        initrd,
        append,
        bios,
        disks,
        timeout,
        schemaVersion,
        newArch,
        newMachine,
        cpus,
        cdrom,
        accel,
        connection);
  }

  /** This spec as pretty-printed JSON, ending in a newline. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a VmSpec cannot be written as JSON", e);
    }
  }

  /**
   * Reads a spec from JSON.
   *
   * @throws JsonProcessingException if the text is not JSON, is not an object, misses a required
   *     property or has a value of the wrong type
   */
  public static VmSpec fromJson(String json) throws JsonProcessingException {
    VmSpec spec = MAPPER.readValue(json, VmSpec.class);
    if (spec == null) {
      throw MismatchedInputException.from(null, VmSpec.class, "expected a JSON object, found null");
    }
    return spec;
  }

  @JsonCreator
  static VmSpec create(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "backend", required = true) Backend backend,
      @JsonProperty("memoryMiB") Integer memoryMiB,
      @JsonProperty("kernel") String kernel,
      @JsonProperty("initrd") String initrd,
      @JsonProperty("append") String append,
      @JsonProperty("bios") String bios,
      @JsonProperty("disks") List<String> disks,
      @JsonProperty("powerButtonTimeoutSeconds") Integer powerButtonTimeoutSeconds,
      @JsonProperty("schemaVersion") Integer schemaVersion,
      @JsonProperty("arch") String arch,
      @JsonProperty("machine") String machine,
      @JsonProperty("cpus") Integer cpus,
      @JsonProperty("cdrom") String cdrom,
      @JsonProperty("accel") Accel accel,
      @JsonProperty("connection") String connection) {
    requireNonNull(name, "name");
    requireNonNull(backend, "backend");
    if (disks != null && disks.contains(null)) {
      throw new IllegalArgumentException("\"disks\" holds a null entry");
    }
    return new VmSpec(
        name,
        backend,
        memoryMiB != null ? memoryMiB : DEFAULT_MEMORY_MIB,
        kernel,
        initrd,
        append,
        bios,
        disks,
        powerButtonTimeoutSeconds != null
            ? powerButtonTimeoutSeconds
            : DEFAULT_POWER_BUTTON_TIMEOUT_SECONDS,
        schemaVersion != null ? schemaVersion : SCHEMA_VERSION,
        arch,
        machine,
        cpus != null ? cpus : 1,
        cdrom,
        accel,
        connection);
  }

  private static void requireNonNull(Object value, String property) {
    if (value == null) {
      throw new IllegalArgumentException("\"" + property + "\" is null");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
