package dev.berth.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.event.MachineEvent;
import dev.berth.event.MachineExit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Appends the records of one run to a VM's history file. Safe to call from any thread (the app's
 * thread for states, the machine's worker for events). Recording is best effort: a write that fails
 * is logged and the VM carries on, so none of these methods throws.
 */
public final class RunRecorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RunRecorder.class.getName());

  private final String vm;
  private final int run;
  private final Clock clock;
  private FileChannel channel;
  private boolean failed;

  RunRecorder(String vm, int run, FileChannel channel, Clock clock) {
    this.vm = vm;
    this.run = run;
    this.channel = channel;
    this.clock = clock;
  }

  public String vm() {
    return vm;
  }

  /** This run's number. */
  public int run() {
    return run;
  }

  /** The VM entered {@code state} at {@code tMicros} (microseconds since the epoch). */
  public synchronized void state(VmState state, long tMicros) {
    ObjectNode r = record(tMicros, RunHistory.STATE);
    r.put("state", state.name());
    append(r);
  }

  /** The backend reported {@code event}; it is recorded at the event's own timestamp. */
  public synchronized void event(MachineEvent event) {
    ObjectNode r = record(event.timestampMicros(), RunHistory.EVENT);
    r.put("event", event.name());
    if (!event.data().isEmpty()) {
      r.set("data", RunHistory.MAPPER.valueToTree(event.data()));
    }
    append(r);
  }

  /** The guest printed {@code line} on its console while it was stopping. */
  public synchronized void step(Run.ConsoleLine line) {
    ObjectNode r = record(line.tMicros(), RunHistory.STEP);
    r.put("line", line.text());
    append(r);
  }

  /**
   * The run ended now: records how, with {@code words} for a user (such as {@link
   * Lifecycle#describe(MachineExit)}), and closes the file. Later calls are ignored.
   */
  public synchronized void end(MachineExit exit, String words) {
    ObjectNode r = record(RunHistory.nowMicros(clock), RunHistory.END);
    r.put("kind", exit.kind().name());
    if (exit.cause() != null) {
      r.put("cause", exit.cause().qapiName());
    }
    r.put("code", exit.code());
    r.put("words", words == null ? "" : words);
    append(r);
    if (channel != null) {
      try {
        channel.force(false);
      } catch (IOException e) {
        warn("cannot flush", e);
      }
    }
    close();
  }

  /** Closes the file without recording an end. */
  @Override
  public synchronized void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      warn("cannot close", e);
    }
    channel = null;
  }

  static ObjectNode record(int run, long tMicros, String type) {
    ObjectNode r = RunHistory.MAPPER.createObjectNode();
    r.put("run", run);
    r.put("t", tMicros);
    r.put("type", type);
    return r;
  }

  static void write(FileChannel channel, ObjectNode record) throws IOException {
    String line;
    try {
      line = RunHistory.MAPPER.writeValueAsString(record) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a history record cannot be written as JSON", e);
    }
    ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  private ObjectNode record(long tMicros, String type) {
    return record(run, tMicros, type);
  }

  private void append(ObjectNode record) {
    if (channel == null) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "history of " + vm + " run " + run + " is closed; dropped " + record);
      return;
    }
    try {
      write(channel, record);
    } catch (IOException e) {
      warn("cannot append to", e);
    }
  }

  private void warn(String what, IOException e) {
    if (!failed) { // once per run: a full disk would otherwise log every event
      failed = true;
      LOG.log(System.Logger.Level.WARNING, what + " the history of " + vm + " run " + run, e);
    }
  }
}
