package dev.berth.app;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a launch's time goes: named moments, in milliseconds since the JVM started, said with the
 * first paint when {@code BERTH_STARTUP_REPORT} is set ("berth: startup: main 190 ms, toolkit 610
 * ms, …"). Any thread may mark.
 */
final class StartupClock {
  private static final long JVM_START =
      java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
  private static final List<String> MOMENTS = new ArrayList<>();

  private StartupClock() {}

  /** Milliseconds since the JVM started. */
  static long sinceJvmStart() {
    return System.currentTimeMillis() - JVM_START;
  }

  static void mark(String what) {
    long t = sinceJvmStart();
    synchronized (MOMENTS) {
      MOMENTS.add(what + " " + t + " ms");
    }
  }

  /** The moments so far, in the order they were marked. */
  static String report() {
    synchronized (MOMENTS) {
      return String.join(", ", MOMENTS);
    }
  }
}
