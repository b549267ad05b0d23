package dev.berth.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An asynchronous event in QMP's shape: a name, its data, and the time it happened in microseconds
 * since the epoch.
 */
public record MachineEvent(String name, Map<String, Object> data, long timestampMicros) {
  public static final String POWERDOWN = "POWERDOWN";
  public static final String SHUTDOWN = "SHUTDOWN";
  public static final String RESET = "RESET";
  public static final String STOP = "STOP";
  public static final String RESUME = "RESUME";
  public static final String SUSPEND = "SUSPEND";
  public static final String WAKEUP = "WAKEUP";

  /**
   * Berth's own, in a run's history only (never on QMP): a snapshot was taken or gone back to, with
   * its {@code tag}. QEMU reports these as its snapshot jobs' JOB_STATUS_CHANGE.
   */
  public static final String SNAPSHOT_SAVED = "SNAPSHOT_SAVED";

  public static final String SNAPSHOT_LOADED = "SNAPSHOT_LOADED";

  public MachineEvent {
    data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data)); // keeps QMP's order
  }

  public static MachineEvent now(String name) {
    return new MachineEvent(name, Map.of(), nowMicros());
  }

  public static MachineEvent withCause(String name, ShutdownCause cause) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("guest", cause.isGuest());
    data.put("reason", cause.qapiName());
    return new MachineEvent(name, data, nowMicros());
  }

  /**
   * Berth's own {@link #SNAPSHOT_SAVED} or {@link #SNAPSHOT_LOADED}, now, for snapshot {@code tag}.
   */
  public static MachineEvent snapshot(String name, String tag) {
    return new MachineEvent(name, Map.of("tag", tag), nowMicros());
  }

  public static long nowMicros() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  /** The {@code reason} of a SHUTDOWN or RESET event, if it has one. */
  public ShutdownCause cause() {
    Object r = data.get("reason");
    return r == null ? null : ShutdownCause.fromQapiName(r.toString());
  }

  @Override
  public String toString() {
    return data.isEmpty() ? name : name + " " + data;
  }
}
