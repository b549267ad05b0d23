package dev.berth.backend.bundled;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.core.machine.Machine;
import dev.berth.event.RunState;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The QMP commands a bundled-core machine answers, with QEMU's reply shapes and error classes. */
final class QmpCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final List<String> NAMES =
      List.of(
          "qmp_capabilities",
          "query-status",
          "query-version",
          "query-commands",
          "system_powerdown",
          "system_reset",
          "system_wakeup",
          "quit",
          "stop",
          "cont",
          "send-key",
          "human-monitor-command",
          "x-berth-terminate",
          "x-berth-kill",
          "x-berth-save-state",
          "snapshot-save",
          "snapshot-load",
          "snapshot-delete",
          "query-jobs",
          "job-dismiss");

  /** What the machine's files can do for QMP: its saved state and its snapshots. */
  interface StateOps {
    CompletableFuture<Long> save();

    CompletableFuture<?> snapshot(String tag, String description);

    CompletableFuture<?> revert(String tag);

    void delete(String tag) throws java.io.IOException;
  }

  private final Machine machine;
  private final String version;
  private final StateOps files;
  private final QmpJobs jobs;

  QmpCommands(Machine machine, String version, StateOps files, QmpJobs jobs) {
    this.machine = machine;
    this.version = version;
    this.files = files;
    this.jobs = jobs;
  }

  String version() {
    return version;
  }

  /** QEMU's greeting, with Berth's own version where QEMU puts its package. */
  static String greeting(String version) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode qmp = root.putObject("QMP");
    qmp.set("version", versionNode(version));
    qmp.putArray("capabilities");
    return write(root);
  }

  private static ObjectNode versionNode(String version) {
    ObjectNode v = JSON.createObjectNode();
    ObjectNode q = v.putObject("qemu");
    int[] parts = parse(version);
    q.put("micro", parts[2]).put("minor", parts[1]).put("major", parts[0]);
    v.put("package", "Berth " + version);
    return v;
  }

  private static int[] parse(String version) {
    int[] out = new int[3];
    String[] p = version.split("[.-]");
    for (int i = 0; i < 3 && i < p.length; i++) {
      try {
        out[i] = Integer.parseInt(p[i]);
      } catch (NumberFormatException e) {
        out[i] = 0;
      }
    }
    return out;
  }

  /**
   * True for a command whose reply waits until the machine has done it (a save): the events the
   * machine publishes meanwhile must not wait for that reply.
   */
  static boolean waitsForTheMachine(JsonNode request) {
    return request != null && request.path("execute").asText().equals("x-berth-save-state");
  }

  String execute(JsonNode id, String name, ObjectNode args) {
    return switch (name) {
      case "query-status" -> success(id, status());
      case "query-version" -> success(id, versionNode(version));
      case "query-commands" -> {
        ArrayNode list = JSON.createArrayNode();
        NAMES.forEach(n -> list.addObject().put("name", n));
        yield success(id, list);
      }
      case "system_powerdown" -> ok(id, machine::powerButton);
      case "system_reset" -> ok(id, machine::reset);
      case "system_wakeup" -> {
        if (machine.state() != RunState.SUSPENDED) {
          yield error(id, "GenericError", "Unable to wake up: guest is not in suspended state");
        }
        yield ok(id, machine::wakeup);
      }
      case "quit" -> ok(id, machine::quit);
      case "stop" -> ok(id, machine::pause);
      case "cont" -> ok(id, machine::resume);
      case "send-key" ->
          error(id, "GenericError", "This machine has no keyboard device to send keys to");
      case "human-monitor-command" -> hmp(id, args.path("command-line").asText(""));
      // The signal analogues, for VMs that live inside a Berth process rather than their own.
      case "x-berth-terminate" -> ok(id, machine::terminate);
      case "x-berth-kill" -> ok(id, machine::kill);
      // QEMU's stop + migrate to a file + quit, as one command that answers once the file is on
      // disk (this client waits; others are answered meanwhile)
      // QEMU's snapshot jobs: the command answers at once, the job reports its way to the end
      case "snapshot-save", "snapshot-load", "snapshot-delete" -> snapshot(id, name, args);
      case "query-jobs" -> success(id, jobs.query());
      case "job-dismiss" -> {
        String why = jobs.dismiss(args.path("id").asText(""));
        yield why == null ? success(id, JSON.createObjectNode()) : error(id, "GenericError", why);
      }
      default -> error(id, "CommandNotFound", "The command " + name + " has not been found");
    };
  }

  /**
   * Saves the state and answers through {@code send} from the thread that finishes the save (the
   * machine's worker, before the run's end closes the socket); completes once answered.
   */
  CompletableFuture<Void> saveState(JsonNode id, java.util.function.Consumer<String> send) {
    if (files == null) {
      send.accept(error(id, "GenericError", "This machine has no place to save its state"));
      return CompletableFuture.completedFuture(null);
    }
    return files
        .save()
        .handle(
            (size, e) ->
                e == null
                    ? success(id, JSON.createObjectNode().put("size", size))
                    : error(
                        id,
                        "GenericError",
                        "Cannot save the state: " + dev.berth.vm.VmSession.rootMessage(e)))
        .thenAccept(send);
  }

  private String snapshot(JsonNode id, String name, ObjectNode args) {
    for (String required : List.of("job-id", "tag")) {
      if (!args.path(required).isTextual()) {
        return error(id, "GenericError", "Parameter '" + required + "' is missing");
      }
    }
    if (files == null) {
      return error(id, "GenericError", "This machine has no place for snapshots");
    }
    String tag = args.path("tag").asText();
    String refused =
        jobs.start(
            args.path("job-id").asText(),
            name,
            () ->
                switch (name) {
                  case "snapshot-save" ->
                      files.snapshot(tag, args.path("x-berth-description").asText(""));
                  case "snapshot-load" -> files.revert(tag);
                  default ->
                      CompletableFuture.runAsync(
                          () -> {
                            try {
                              files.delete(tag);
                            } catch (java.io.IOException e) {
                              throw new java.io.UncheckedIOException(e);
                            }
                          });
                });
    return refused == null
        ? success(id, JSON.createObjectNode())
        : error(id, "GenericError", refused);
  }

  private ObjectNode status() {
    RunState s = machine.state();
    ObjectNode st = JSON.createObjectNode();
    st.put("status", s.qapiName());
    st.put("singlestep", false);
    st.put("running", s == RunState.RUNNING);
    return st;
  }

  /** The few HMP commands a user types most, answered as QEMU's monitor prints them. */
  private String hmp(JsonNode id, String line) {
    String text =
        switch (line.trim()) {
          case "info status" -> "VM status: " + machine.state().qapiName() + "\r\n";
          case "info version" -> "Berth " + version + "\r\n";
          case "system_powerdown" -> run(machine::powerButton);
          case "system_reset" -> run(machine::reset);
          case "system_wakeup" -> run(machine::wakeup);
          case "stop" -> run(machine::pause);
          case "cont", "c" -> run(machine::resume);
          case "quit", "q" -> run(machine::quit);
          case "help" ->
              "info status, info version, system_powerdown, system_reset, system_wakeup, stop,"
                  + " cont, quit\r\n";
          default -> "unknown command: '" + line.trim() + "'\r\n";
        };
    return success(id, JSON.getNodeFactory().textNode(text));
  }

  private static String run(Runnable action) {
    action.run();
    return "";
  }

  private static String ok(JsonNode id, Runnable action) {
    action.run();
    return success(id, JSON.createObjectNode());
  }

  static String success(JsonNode id, JsonNode result) {
    ObjectNode root = JSON.createObjectNode();
    root.set("return", result);
    if (id != null) {
      root.set("id", id);
    }
    return write(root);
  }

  static String error(JsonNode id, String errorClass, String desc) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("class", errorClass).put("desc", desc);
    if (id != null) {
      root.set("id", id);
    }
    return write(root);
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("QMP reply cannot be written as JSON", e);
    }
  }
}
