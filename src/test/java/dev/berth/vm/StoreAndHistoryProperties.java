package dev.berth.vm;

import dev.berth.Fuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile files on disk: whatever a spec or history file holds, loading never throws, a bad spec is
 * reported (and moved aside) while the others load, and history reading skips what it cannot use.
 */
class StoreAndHistoryProperties {
  private static Path root;
  private static int counter;

  @BeforeContainer
  static void makeRoot() throws IOException {
    root = Files.createTempDirectory("berth-fuzz-");
  }

  @AfterContainer
  static void removeRoot() throws IOException {
    FileTrees.delete(root);
  }

  private static Path freshDir() {
    try {
      return Files.createDirectory(root.resolve("t" + counter++));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON-ish text: a valid spec with pieces replaced, or tokens glued at random. */
  @Provide
  Arbitrary<String> specTexts() {
    String valid = VmSpec.of("x", VmSpec.Backend.BUNDLED, "bundled:demo").toJson();
    Arbitrary<String> tokens =
        Fuzz.jsonTokens(
            "\"name\"",
            "\"x\"",
            "\"backend\"",
            "\"qemu\"",
            "\"BUNDLED\"",
            "\"memoryMiB\"",
            "-1",
            "\"disks\"",
            "\"cpus\"",
            "\"kernel\"",
            "\"schemaVersion\"",
            "0",
            "\"../x\"");
    Arbitrary<String> glued = tokens.list().ofMaxSize(40).map(l -> String.join("", l));
    Arbitrary<String> mutated =
        Arbitraries.integers()
            .between(0, valid.length())
            .flatMap(
                at ->
                    Arbitraries.integers()
                        .between(0, 20)
                        .flatMap(
                            cut ->
                                tokens.map(
                                    t ->
                                        valid.substring(0, at)
                                            + t
                                            + valid.substring(
                                                Math.min(valid.length(), at + cut)))));
    return Arbitraries.oneOf(glued, mutated, Arbitraries.strings().ofMaxLength(200));
  }

  @Property(seed = Fuzz.SEED)
  void anySpecFileLoadsOrIsReportedAndTheOthersStillLoad(@ForAll("specTexts") String text)
      throws IOException {
    VmStore store = new VmStore(freshDir());
    store.save(VmSpec.defaultDemo());
    // getBytes, not writeString: a lone surrogate becomes '?' instead of an exception.
    Files.write(store.directory().resolve("x.json"), text.getBytes(StandardCharsets.UTF_8));
    VmStore.LoadResult r = store.load();
    if (r.specs().stream().noneMatch(s -> s.name().equals("demo"))) {
      throw new AssertionError("a bad file cost another VM: " + r);
    }
    boolean loaded = r.specs().stream().anyMatch(s -> s.name().equals("x"));
    if (loaded == !r.problems().isEmpty()) {
      throw new AssertionError("x.json neither loaded nor reported (or both): " + r);
    }
    if (!loaded && Files.exists(store.directory().resolve("x.json"))) {
      throw new AssertionError("a bad spec was not moved aside: " + r);
    }
  }

  @Provide
  Arbitrary<List<String>> historyLines() {
    Arbitrary<String> records =
        Arbitraries.of(
            "{\"run\":1,\"t\":1,\"type\":\"start\"}",
            "{\"run\":1,\"t\":2,\"type\":\"state\",\"state\":\"RUNNING\"}",
            "{\"run\":2,\"t\":3,\"type\":\"event\",\"event\":\"SHUTDOWN\",\"data\":{\"guest\":true}}",
            "{\"run\":2,\"t\":4,\"type\":\"end\",\"kind\":\"SHUTDOWN\",\"cause\":\"guest-shutdown\"}",
            "{\"run\":-1,\"t\":1,\"type\":\"start\"}",
            "{\"run\":99999999999,\"t\":1,\"type\":\"start\"}",
            "{\"run\":3,\"t\":1e308,\"type\":\"state\",\"state\":\"NOPE\"}",
            "{\"run\":3,\"t\":5,\"type\":\"event\",\"event\":7,\"data\":[]}",
            "{\"run\":3,\"t\":5,\"type\":\"end\",\"kind\":null}",
            "[1,2,3]",
            "{\"run\":4,\"t\":6,\"type\":\"event\",\"event\":\"X\",\"data\":" + "[".repeat(600));
    Arbitrary<String> cut =
        records.flatMap(
            r -> Arbitraries.integers().between(0, r.length()).map(n -> r.substring(0, n)));
    return Arbitraries.oneOf(records, cut, Arbitraries.strings().ofMaxLength(80))
        .list()
        .ofMaxSize(30);
  }

  @Property(seed = Fuzz.SEED)
  void anyHistoryFileReadsAndTheNextRunIsNumberedPastItsRuns(
      @ForAll("historyLines") List<String> lines) throws IOException {
    RunHistory history = new RunHistory(freshDir());
    history.startRun("vm").close(); // makes the directories
    Files.write(history.file("vm"), String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    List<Run> runs = history.runs("vm");
    int highest = runs.isEmpty() ? 0 : runs.get(runs.size() - 1).number();
    try (RunRecorder next = history.startRun("vm")) {
      if (next.run() <= highest) {
        throw new AssertionError("run " + next.run() + " after run " + highest);
      }
    }
    if (history.runs("vm").stream().noneMatch(r -> r.number() > highest)) {
      throw new AssertionError("the new run's start record was not read back");
    }
  }
}
