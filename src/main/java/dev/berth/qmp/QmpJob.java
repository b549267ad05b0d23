package dev.berth.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A QMP job to its end, as QEMU runs {@code snapshot-save} and its kin: the command answers at
 * once, the job is followed with {@code query-jobs} until it has concluded, then dismissed; its
 * error, if it has one, is the job's own words.
 */
public final class QmpJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QmpJob() {}

  /** Runs {@code command} with {@code args} (which name the job in {@code job-id}). */
  public static void run(QmpClient qmp, String command, ObjectNode args, long millis)
      throws IOException {
    String id = args.path("job-id").asText();
    qmp.execute(command, args);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      for (JsonNode j : qmp.execute("query-jobs", null)) {
        if (j.path("id").asText().equals(id) && j.path("status").asText().equals("concluded")) {
          qmp.execute("job-dismiss", JSON.createObjectNode().put("id", id));
          if (j.has("error")) {
            throw new IOException(j.path("error").asText());
          }
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(command + " did not finish in " + millis / 1000 + " s");
      }
      try {
        Thread.sleep(20); // its end is a JOB_STATUS_CHANGE too, but on the events' queue
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while " + command + " ran", e);
      }
    }
  }
}
