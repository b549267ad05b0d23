package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmStoreTest {
  private static final Clock FIXED =
      Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);

  @TempDir Path config;

  private static List<String> names(VmStore.LoadResult r) {
    return r.specs().stream().map(VmSpec::name).collect(Collectors.toList());
  }

  private static VmSpec spec(String name, int mib) {
    return new VmSpec(
        name,
        VmSpec.Backend.BUNDLED,
        mib,
        "bundled:demo",
        null,
        "x",
        null,
        List.of(),
        30,
        1,
        "riscv64",
        null,
        1,
        null);
  }

  private List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void savedSpecsLoadBackSortedByName() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.save(spec("zeta", 64));
    store.save(spec("alpha", 32));
    store.save(spec("Mid", 16));

    VmStore.LoadResult result = new VmStore(config, FIXED).load();

    assertEquals(List.of("Mid", "alpha", "zeta"), names(result));
    assertEquals(spec("alpha", 32), result.specs().get(1));
    assertTrue(result.problems().isEmpty());
    assertTrue(Files.isRegularFile(config.resolve("vms/alpha.json")));
  }

  @Test
  void loadWithNoDirectoryIsEmpty() throws IOException {
    VmStore.LoadResult result = new VmStore(config.resolve("never")).load();

    assertTrue(result.specs().isEmpty());
    assertTrue(result.problems().isEmpty());
  }

  @Test
  void saveReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.save(spec("vm", 64));
    store.save(spec("vm", 256));

    assertEquals(List.of("vm.json"), filesIn(store.directory()));
    assertEquals(List.of(spec("vm", 256)), store.load().specs());
  }

  @Test
  void failedSaveLeavesOtherFilesAndNoTemporaryFile() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.save(spec("vm", 64));
    String before = Files.readString(store.directory().resolve("vm.json"));
    // Something in the way of the rename: a non-empty directory where the temp file would go to.
    Path blocker = Files.createDirectories(store.directory().resolve("other.json"));
    Files.writeString(blocker.resolve("x"), "x");

    assertThrows(IOException.class, () -> store.save(spec("other", 64)));
    assertEquals(before, Files.readString(store.directory().resolve("vm.json")));
    assertEquals(List.of("other.json", "vm.json"), filesIn(store.directory()));
  }

  @Test
  void saveRejectsNamesThatAreNotSafeFileNames() {
    VmStore store = new VmStore(config, FIXED);

    assertThrows(IllegalArgumentException.class, () -> store.save(spec("../escape", 64)));
    assertFalse(Files.exists(config.resolve("escape.json")));
  }

  @Test
  void existsAndDelete() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.save(spec("a", 64));

    assertTrue(store.exists("a"));
    assertFalse(store.exists("b"));
    assertTrue(store.delete("a"));
    assertFalse(store.exists("a"));
    assertFalse(store.delete("a"));
    assertTrue(store.load().specs().isEmpty());
  }

  @Test
  void corruptFileIsMovedAsideAndReportedWhileOthersLoad() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.save(spec("good", 64));
    Path vms = store.directory();
    Files.writeString(vms.resolve("broken.json"), "{\"name\":\"broken\",\"backend\":");
    Files.writeString(vms.resolve("nokernel.json"), "{\"name\":\"nokernel\",\"backend\":\"qemu\"}");
    Files.writeString(vms.resolve("wrong.json"), spec("right", 64).toJson());
    Files.write(vms.resolve("binary.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});

    VmStore.LoadResult result = store.load();

    assertEquals(List.of("good"), names(result));
    assertEquals(4, result.problems().size());
    for (VmStore.LoadProblem p : result.problems()) {
      assertFalse(p.reason().isBlank());
      assertNotNull(p.movedTo(), p.toString());
      assertTrue(Files.exists(p.movedTo()));
      assertFalse(Files.exists(p.file()));
    }
    VmStore.LoadProblem wrong =
        result.problems().stream()
            .filter(p -> p.file().getFileName().toString().equals("wrong.json"))
            .findFirst()
            .orElseThrow();
    assertTrue(wrong.reason().contains("right"), wrong.reason());
    assertEquals("wrong.json.corrupt-20250304-050607", wrong.movedTo().getFileName().toString());

    VmStore.LoadResult again = store.load();
    assertEquals(List.of("good"), names(again));
    assertTrue(again.problems().isEmpty(), "moved-aside files are not loaded again");
  }

  @Test
  void corruptFilesWithTheSameTimestampDoNotOverwriteEachOther() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    Path vms = Files.createDirectories(store.directory());

    Files.writeString(vms.resolve("x.json"), "first");
    VmStore.LoadProblem first = store.load().problems().get(0);
    Files.writeString(vms.resolve("x.json"), "second");
    VmStore.LoadProblem second = store.load().problems().get(0);
    Files.writeString(vms.resolve("x.json"), "third");
    VmStore.LoadProblem third = store.load().problems().get(0);

    assertNotEquals(first.movedTo(), second.movedTo());
    assertNotEquals(second.movedTo(), third.movedTo());
    assertEquals("first", Files.readString(first.movedTo()));
    assertEquals("second", Files.readString(second.movedTo()));
    assertEquals("third", Files.readString(third.movedTo()));
  }

  @Test
  void firstRunCreatesTheDemo() throws IOException {
    VmStore store = new VmStore(config.resolve("berth"), FIXED);

    assertTrue(store.ensureFirstRunDefaults());

    assertEquals(List.of(VmSpec.defaultDemo(), VmSpec.defaultLinux()), store.load().specs());
    assertFalse(store.ensureFirstRunDefaults(), "only once");
    assertEquals(List.of("vms"), filesIn(config.resolve("berth")), "no staging left behind");
  }

  @Test
  void deletingAllVmsDoesNotBringTheDemoBack() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.ensureFirstRunDefaults();
    store.delete("demo");
    store.delete("linux");

    assertFalse(store.ensureFirstRunDefaults());
    assertTrue(new VmStore(config, FIXED).load().specs().isEmpty());
  }

  @Test
  void firstRunDoesNothingWhenVmsAlreadyExist() throws IOException {
    VmStore store = new VmStore(config, FIXED);
    store.save(spec("mine", 64));

    assertFalse(store.ensureFirstRunDefaults());
    assertEquals(List.of("mine"), names(store.load()));
  }
}
