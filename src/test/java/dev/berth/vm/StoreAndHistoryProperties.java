package dev.berth.vm;

import dev.berth.Fuzz;
import dev.berth.Gen;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile files on disk: whatever a spec or history file holds, loading never throws, a bad spec is
 * reported (and moved aside) while the others load, and history reading skips what it cannot use.
 */
class StoreAndHistoryProperties {
  private static Path root;
  private static int counter;

  @BeforeAll
  static void makeRoot() throws IOException {
    root = Files.createTempDirectory("berth-fuzz-");
  }

  @AfterAll
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

  private static final String VALID_SPEC =
      VmSpec.of("x", VmSpec.Backend.BUNDLED, "bundled:demo").toJson();

  private static final List<String> SPEC_TOKENS =
      Gen.jsonTokens(
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

  /**
   * JSON-ish text: up to 40 tokens glued at random, a valid spec with up to 20 chars from a random
   * place replaced by a token, or any text.
   */
  static String specText(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> Gen.glue(r, SPEC_TOKENS, 40);
      case 1 -> {
        int at = Gen.between(r, 0, VALID_SPEC.length());
        int cut = Gen.between(r, 0, 20);
        yield VALID_SPEC.substring(0, at)
            + Gen.pick(r, SPEC_TOKENS)
            + VALID_SPEC.substring(Math.min(VALID_SPEC.length(), at + cut));
      }
      default -> Gen.string(r, 200);
    };
  }

  @Test
  void anySpecFileLoadsOrIsReportedAndTheOthersStillLoad() {
    Fuzz.check(
        "anySpecFileLoadsOrIsReportedAndTheOthersStillLoad",
        Fuzz.TRIES,
        StoreAndHistoryProperties::specText,
        text -> {
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
        });
  }

  private static final List<String> HISTORY_RECORDS =
      List.of(
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

  /** One history line: a record (good or bad), a record cut short, or any text. */
  static String historyLine(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> Gen.pick(r, HISTORY_RECORDS);
      case 1 -> {
        String record = Gen.pick(r, HISTORY_RECORDS);
        yield record.substring(0, Gen.between(r, 0, record.length()));
      }
      default -> Gen.string(r, 80);
    };
  }

  @Test
  void anyHistoryFileReadsAndTheNextRunIsNumberedPastItsRuns() {
    Fuzz.check(
        "anyHistoryFileReadsAndTheNextRunIsNumberedPastItsRuns",
        Fuzz.TRIES,
        r -> Gen.listOf(r, 0, 30, StoreAndHistoryProperties::historyLine),
        lines -> {
          RunHistory history = new RunHistory(freshDir());
          history.startRun("vm").close(); // makes the directories
          Files.write(
              history.file("vm"), String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
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
        });
  }
}
