package dev.berth.backend.bundled;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.event.MachineEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * QEMU's job model for the bundled machine's snapshot commands: a job is created and running when
 * its command answers, then waiting, pending and concluded when its work is done (with its error,
 * if any), each a JOB_STATUS_CHANGE to every client; {@code query-jobs} lists them and {@code
 * job-dismiss} removes a concluded one (status null).
 */
final class QmpJobs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Job(String type, String status, String error) {}

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Consumer<MachineEvent> events;

  QmpJobs(Consumer<MachineEvent> events) {
    this.events = events;
  }

  /** Null if the job started; else why not, in QEMU's words. */
  synchronized String start(
      String id, String type, java.util.function.Supplier<CompletableFuture<?>> work) {
    if (jobs.containsKey(id)) {
      return "Job ID '" + id + "' already in use";
    }
    set(id, new Job(type, "created", null));
    set(id, new Job(type, "running", null));
    // off the thread that finished the work (the machine's worker, often)
    work.get()
        .whenCompleteAsync(
            (ok, e) -> {
              synchronized (this) {
                String error = e == null ? null : dev.berth.vm.VmSession.rootMessage(e);
                if (error != null) {
                  set(id, new Job(type, "aborting", error));
                } else {
                  set(id, new Job(type, "waiting", null));
                  set(id, new Job(type, "pending", null));
                }
                set(id, new Job(type, "concluded", error));
              }
            });
    return null;
  }

  private void set(String id, Job job) {
    jobs.put(id, job);
    announce(id, job.status());
  }

  /** QEMU's JOB_STATUS_CHANGE, its members in QEMU's order. */
  private void announce(String id, String status) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("status", status);
    data.put("id", id);
    events.accept(new MachineEvent("JOB_STATUS_CHANGE", data, MachineEvent.nowMicros()));
  }

  synchronized ArrayNode query() {
    ArrayNode all = JSON.createArrayNode();
    jobs.forEach(
        (id, j) -> {
          ObjectNode o = all.addObject();
          boolean done = j.status().equals("concluded");
          o.put("current-progress", done ? 1 : 0).put("status", j.status());
          o.put("total-progress", 1).put("type", j.type()).put("id", id);
          if (j.error() != null) {
            o.put("error", j.error());
          }
        });
    return all;
  }

  /** Null once dismissed; else why not, in QEMU's words. */
  synchronized String dismiss(String id) {
    Job j = jobs.get(id);
    if (j == null) {
      return "Job not found";
    }
    if (!j.status().equals("concluded")) {
      return "Job '" + id + "' in state '" + j.status() + "' cannot accept command verb 'dismiss'";
    }
    jobs.remove(id);
    announce(id, "null");
    return null;
  }
}
