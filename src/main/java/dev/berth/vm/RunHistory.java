package dev.berth.vm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Each VM's runs, in an append-only JSON-lines file {@code <state>/history/<name>.jsonl}. Every
 * line is one record: {@code {"run":N,"t":<epoch micros>,"type":...}} where the type is {@code
 * start}, {@code state} (with {@code state}, a {@link VmState} name), {@code event} (with {@code
 * event} and {@code data}, as QMP has them) or {@code end} (with {@code kind}, {@code cause} as
 * QAPI spells it, {@code code} and {@code words}).
 *
 * <p>Reading never fails on content: a torn last line (Berth stopped mid-write) and lines that are
 * not records are skipped and logged.
 */
public final class RunHistory {
  /** How many of the latest runs {@link #runs(String)} returns. */
  public static final int MAX_RUNS = 50;

  static final String START = "start";
  static final String STATE = "state";
  static final String EVENT = "event";
  static final String END = "end";
  static final String STEP = "step";
  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final System.Logger LOG = System.getLogger(RunHistory.class.getName());
  private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {};

  /**
   * How much of a history file is read: its end, where the latest runs are. A line is at most a few
   * KiB, so 16 MiB holds thousands of runs.
   */
  static final int MAX_READ = 16 << 20;

  /**
   * The largest run number a history line may carry: far beyond any real VM's runs, and far enough
   * below {@code Integer.MAX_VALUE} that the next run's number cannot wrap around (a hand-edited
   * 2147483647 made the next run negative, and so never shown).
   */
  static final int MAX_RUN_NUMBER = 1_000_000_000;

  private final Path stateDir;
  private final Path dir;
  private final Clock clock;

  /**
   * @param stateDir Berth's state directory, {@link BerthDirs#state()}
   */
  public RunHistory(Path stateDir) {
    this(stateDir, Clock.systemUTC());
  }

  /**
   * @param clock the time of {@code start} and {@code end} records
   */
  public RunHistory(Path stateDir, Clock clock) {
    this.stateDir = stateDir;
    this.dir = stateDir.resolve("history");
    this.clock = clock;
  }

  /** The history file of {@code vm}. */
  public Path file(String vm) {
    return dir.resolve(VmNames.require(vm) + ".jsonl");
  }

  /**
   * Starts recording a new run of {@code vm}, numbered one past the highest run in its file, and
   * writes its {@code start} record. One Berth process should record one run of a VM at a time.
   *
   * @throws IOException if the history file cannot be opened or written
   */
  public synchronized RunRecorder startRun(String vm) throws IOException {
    return startRun(vm, "");
  }

  /**
   * As {@link #startRun(String)}, noting who started it ({@link Run#CLI}) in the start record.
   *
   * @throws IOException if the history file cannot be opened or written
   */
  public synchronized RunRecorder startRun(String vm, String origin) throws IOException {
    Path file = file(vm);
    FileChannel ch = open(file);
    NavigableMap<Integer, RunBuilder> known = read(file);
    int run = known.isEmpty() ? 1 : known.lastKey() + 1;
    try {
      if (ch.size() > 0 && !endsWithNewline(file)) {
        // A torn last line: end it, so this run's first record is not glued to it.
        ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
      }
      com.fasterxml.jackson.databind.node.ObjectNode start =
          RunRecorder.record(run, nowMicros(clock), START);
      if (origin != null && !origin.isEmpty()) {
        start.put("by", origin);
      }
      RunRecorder.write(ch, start);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new RunRecorder(vm, run, ch, clock);
  }

  /**
   * Goes on recording run {@code run} of {@code vm}, started earlier (by another Berth process, for
   * a VM that outlives it).
   *
   * @throws IOException if the history file cannot be opened
   */
  public synchronized RunRecorder continueRun(String vm, int run) throws IOException {
    Path file = file(vm);
    FileChannel ch = open(file);
    if (ch.size() > 0 && !endsWithNewline(file)) {
      ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
    }
    return new RunRecorder(vm, run, ch, clock);
  }

  /**
   * The latest {@link #MAX_RUNS} runs of {@code vm}, oldest first. Empty if it has no history or
   * the file cannot be read (which is logged).
   */
  public List<Run> runs(String vm) {
    NavigableMap<Integer, RunBuilder> all = read(file(vm));
    List<Run> runs = new ArrayList<>();
    for (RunBuilder b : all.values()) {
      runs.add(b.build());
    }
    return List.copyOf(runs.subList(Math.max(0, runs.size() - MAX_RUNS), runs.size()));
  }

  /**
   * Deletes the history of {@code vm}.
   *
   * @return true if there was one
   */
  public boolean delete(String vm) throws IOException {
    return PrivateFiles.existingDirectory(dir) && Files.deleteIfExists(file(vm));
  }

  /** The history file to append to: private, in private directories, never through a link. */
  private FileChannel open(Path file) throws IOException {
    PrivateFiles.directory(stateDir);
    PrivateFiles.directory(dir);
    return PrivateFiles.append(file);
  }

  static long nowMicros(Clock clock) {
    Instant t = clock.instant();
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return true;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      return last.get(0) == '\n';
    }
  }

  private static NavigableMap<Integer, RunBuilder> read(Path file) {
    NavigableMap<Integer, RunBuilder> runs = new TreeMap<>();
    byte[] bytes;
    try {
      if (!PrivateFiles.existingDirectory(file.getParent())) {
        return runs;
      }
      bytes = PrivateFiles.readTail(file, MAX_READ);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read the run history: " + e.getMessage());
      LOG.log(System.Logger.Level.DEBUG, "reading " + file, e);
      return runs;
    }
    if (bytes == null) {
      return runs;
    }
    // Malformed UTF-8 becomes U+FFFD and, at worst, a garbage line.
    String text = new String(bytes, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    // Only the file's end was read: its first line is probably cut, and so not a record.
    int first = bytes.length == MAX_READ && lines.length > 1 ? 1 : 0;
    int skipped = 0;
    String firstSkipped = null;
    for (int i = first; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      boolean torn = i == lines.length - 1; // text after the last newline
      String problem = apply(line, runs);
      if (problem == null) {
        continue;
      }
      if (torn) {
        LOG.log(System.Logger.Level.INFO, file + ": ignoring a torn last line (" + problem + ")");
      } else {
        skipped++;
        if (firstSkipped == null) {
          firstSkipped = "line " + (i + 1) + ": " + problem;
        }
      }
    }
    if (skipped > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          file + ": skipped " + skipped + " unreadable line(s), first at " + firstSkipped);
    }
    return runs;
  }

  /** Applies one line to the runs read so far; returns what is wrong with it, or null. */
  private static String apply(String line, NavigableMap<Integer, RunBuilder> runs) {
    JsonNode r;
    try {
      r = MAPPER.readTree(line);
    } catch (IOException e) {
      return "not JSON";
    }
    if (r == null || !r.isObject()) {
      return "not a JSON object";
    }
    JsonNode run = r.get("run");
    JsonNode t = r.get("t");
    JsonNode type = r.get("type");
    if (run == null
        || !run.isIntegralNumber()
        || !run.canConvertToInt()
        || run.intValue() < 1
        || run.intValue() > MAX_RUN_NUMBER) {
      return "no valid \"run\"";
    }
    if (t == null || !t.isIntegralNumber() || !t.canConvertToLong()) {
      return "no valid \"t\"";
    }
    if (type == null || !type.isTextual()) {
      return "no \"type\"";
    }
    long micros = t.longValue();
    switch (type.textValue()) {
      case START -> {
        RunBuilder b = runs.computeIfAbsent(run.intValue(), n -> new RunBuilder(n, micros));
        b.started(micros);
        b.origin = r.path("by").asText("");
      }
      case STEP -> {
        JsonNode text = r.get("line");
        if (text == null || !text.isTextual()) {
          return "malformed step";
        }
        RunBuilder b = builder(runs, run.intValue(), micros);
        if (b.steps.size() < Run.MAX_STEPS) {
          b.steps.add(new Run.ConsoleLine(micros, text.textValue()));
        }
      }
      case STATE -> {
        VmState state = enumOrNull(VmState.class, r.path("state").asText(null));
        if (state == null) {
          return "unknown state " + r.get("state");
        }
        builder(runs, run.intValue(), micros).state(state, micros);
      }
      case EVENT -> {
        JsonNode name = r.get("event");
        JsonNode data = r.get("data");
        if (name == null || !name.isTextual() || (data != null && !data.isObject())) {
          return "malformed event";
        }
        Map<String, Object> map = data == null ? Map.of() : MAPPER.convertValue(data, DATA);
        builder(runs, run.intValue(), micros)
            .events
            .add(new MachineEvent(name.textValue(), map, micros));
      }
      case END -> {
        MachineExit.Kind kind = enumOrNull(MachineExit.Kind.class, r.path("kind").asText(null));
        if (kind == null) {
          return "unknown exit kind " + r.get("kind");
        }
        ShutdownCause cause = causeOrNull(r.path("cause").asText(null));
        int code = r.path("code").asInt(0);
        String words = r.path("words").asText("");
        builder(runs, run.intValue(), micros).end(new Run.End(micros, kind, cause, code, words));
      }
      default -> {
        return "unknown type " + type;
      }
    }
    return null;
  }

  private static RunBuilder builder(NavigableMap<Integer, RunBuilder> runs, int run, long t) {
    // A run whose start line was lost still shows, starting at its first record.
    return runs.computeIfAbsent(run, n -> new RunBuilder(n, t));
  }

  private static <E extends Enum<E>> E enumOrNull(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ShutdownCause causeOrNull(String qapiName) {
    if (qapiName == null) {
      return null;
    }
    try {
      return ShutdownCause.fromQapiName(qapiName);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** One run being put together from its records. */
  private static final class RunBuilder {
    final int number;
    long startMicros;
    boolean started;
    final List<Run.Segment> segments = new ArrayList<>();
    final List<MachineEvent> events = new ArrayList<>();
    VmState openState;
    long openFrom;
    Run.End end;
    String origin = "";
    final List<Run.ConsoleLine> steps = new ArrayList<>();

    RunBuilder(int number, long firstMicros) {
      this.number = number;
      this.startMicros = firstMicros;
    }

    void started(long t) {
      if (!started) {
        started = true;
        startMicros = t;
      }
    }

    void state(VmState state, long t) {
      if (end != null) {
        return; // nothing happens after the end
      }
      closeOpen(t);
      openState = state;
      openFrom = t;
    }

    void end(Run.End e) {
      if (end == null) {
        closeOpen(e.tMicros());
        end = e;
      }
    }

    private void closeOpen(long t) {
      if (openState != null) {
        segments.add(new Run.Segment(openState, openFrom, t));
        openState = null;
      }
    }

    Run build() {
      List<Run.Segment> all = new ArrayList<>(segments);
      if (openState != null) {
        all.add(new Run.Segment(openState, openFrom, null));
      }
      return new Run(number, startMicros, all, events, end, origin, steps);
    }
  }
}
