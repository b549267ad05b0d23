package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmSpecJsonTest {
  private static final VmSpec FULL =
      new VmSpec(
          "linux-6.6",
          VmSpec.Backend.QEMU,
          512,
          "/images/Image",
          "/images/initrd.cpio",
          "console=ttyS0 earlycon",
          "none",
          List.of("/disks/root.img", "/disks/data.img"),
          20,
          1,
          "x86_64",
          "q35",
          2,
          "/images/install.iso",
          VmSpec.Accel.KVM,
          null);

  @Test
  void roundTripKeepsEveryField() throws JsonProcessingException {
    assertEquals(FULL, VmSpec.fromJson(FULL.toJson()));
    assertEquals(VmSpec.defaultDemo(), VmSpec.fromJson(VmSpec.defaultDemo().toJson()));
  }

  @Test
  void jsonUsesTheDocumentedNamesAndBackendSpelling() throws JsonProcessingException {
    JsonNode json = new ObjectMapper().readTree(FULL.toJson());

    assertEquals("qemu", json.get("backend").asText());
    assertEquals(512, json.get("memoryMiB").asInt());
    assertEquals(20, json.get("powerButtonTimeoutSeconds").asInt());
    assertEquals(1, json.get("schemaVersion").asInt());
    assertEquals(2, json.get("disks").size());
    assertEquals("kvm", json.get("accel").asText());
    assertEquals(
        List.of(
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
            "connection"),
        iterable(json.fieldNames()));
    assertEquals(
        "bundled",
        new ObjectMapper().readTree(VmSpec.defaultDemo().toJson()).get("backend").asText());
  }

  @Test
  void unknownPropertiesAreIgnored() throws JsonProcessingException {
    VmSpec spec =
        VmSpec.fromJson(
            "{\"name\":\"a\",\"backend\":\"bundled\",\"kernel\":\"bundled:demo\","
                + "\"futureThing\":{\"x\":[1,2]},\"gpu\":true}");

    assertEquals("a", spec.name());
    assertEquals(VmSpec.Backend.BUNDLED, spec.backend());
  }

  @Test
  void missingOptionalPropertiesTakeTheirDefaults() throws JsonProcessingException {
    VmSpec spec = VmSpec.fromJson("{\"name\":\"a\",\"backend\":\"qemu\",\"kernel\":\"/k\"}");

    assertEquals(128, spec.memoryMiB());
    assertEquals("", spec.append());
    assertNull(spec.initrd());
    assertNull(spec.bios());
    assertEquals(List.of(), spec.disks());
    assertEquals(30, spec.powerButtonTimeoutSeconds());
    assertEquals(1, spec.schemaVersion());
    assertEquals("riscv64", spec.arch());
    assertNull(spec.machine());
    assertEquals(1, spec.cpus());
    assertNull(spec.cdrom());
    assertEquals(VmSpec.Accel.AUTO, spec.accel());
    assertNull(VmSpec.fromJson("{\"name\":\"a\",\"backend\":\"qemu\"}").kernel());
  }

  @Test
  void missingRequiredPropertiesAreErrors() {
    assertThrows(
        JsonProcessingException.class,
        () -> VmSpec.fromJson("{\"backend\":\"qemu\",\"kernel\":\"/k\"}"));
    assertThrows(
        JsonProcessingException.class, () -> VmSpec.fromJson("{\"name\":\"a\",\"kernel\":\"/k\"}"));
    assertThrows(
        JsonProcessingException.class,
        () -> VmSpec.fromJson("{\"name\":null,\"backend\":\"qemu\",\"kernel\":\"/k\"}"));
  }

  @Test
  void malformedJsonIsAnError() {
    assertThrows(JsonProcessingException.class, () -> VmSpec.fromJson("{\"name\":\"a\""));
    assertThrows(JsonProcessingException.class, () -> VmSpec.fromJson("null"));
    assertThrows(JsonProcessingException.class, () -> VmSpec.fromJson("[1]"));
    assertThrows(
        JsonProcessingException.class,
        () -> VmSpec.fromJson("{\"name\":\"a\",\"backend\":\"vbox\",\"kernel\":\"/k\"}"));
    assertThrows(
        JsonProcessingException.class,
        () ->
            VmSpec.fromJson(
                "{\"name\":\"a\",\"backend\":\"qemu\",\"kernel\":\"/k\",\"memoryMiB\":\"lots\"}"));
    assertThrows(
        JsonProcessingException.class,
        () -> VmSpec.fromJson("{\"name\":\"a\",\"backend\":\"qemu\",\"kernel\":\"/k\"} trailing"));
  }

  @Test
  void defaultDemoIsTheBundledDemoGuest() {
    VmSpec demo = VmSpec.defaultDemo();

    assertEquals("demo", demo.name());
    assertEquals(VmSpec.Backend.BUNDLED, demo.backend());
    assertEquals(128, demo.memoryMiB());
    assertEquals("bundled:demo", demo.kernel());
    assertEquals("demo", demo.bundledGuest());
    assertEquals(30, demo.powerButtonTimeoutSeconds());
    assertTrue(demo.disks().isEmpty());
    assertNull(FULL.bundledGuest());
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
