package dev.berth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * One line of a VM's event log as the Events table shows it: when, what, who asked for it, the
 * details in words, and the raw line (QEMU's JSON for a machine event, Berth's note otherwise).
 *
 * @param time the wall-clock time the session logged it, "14:02:07"
 * @param event QEMU's event name ("SHUTDOWN"), or the kind of Berth's note ("shutdown", "end")
 * @param who who asked: "the guest", "the host", or "Berth" for Berth's own notes
 * @param details what happened, in words, with QEMU's token after it
 * @param raw the line as logged
 */
record EventRow(String time, String event, String who, String details, String raw) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses a line the session logged: the time, two spaces, then JSON or "(kind) words". */
  static EventRow of(String line) {
    int gap = line.indexOf("  ");
    String time = gap > 0 ? line.substring(0, gap) : "";
    if (time.matches("\\d\\d:\\d\\d")) {
      time += ":00"; // LocalTime leaves out zero seconds
    }
    String rest = gap > 0 ? line.substring(gap + 2) : line;
    if (rest.startsWith("{")) {
      try {
        JsonNode e = JSON.readTree(rest);
        String name = e.path("event").asText("?");
        JsonNode data = e.path("data");
        return new EventRow(time, name, who(name, data), details(name, data), rest);
      } catch (java.io.IOException notJson) {
        // shown as a note
      }
    }
    if (rest.startsWith("(")) {
      int close = rest.indexOf(')');
      if (close > 0) {
        String kind = rest.substring(1, close);
        return new EventRow(time, kind, noteWho(kind), rest.substring(close + 1).trim(), rest);
      }
    }
    return new EventRow(time, "", "Berth", rest, rest);
  }

  /** The raw line, indented when it is JSON: what "Raw JSON" shows. */
  String pretty() {
    if (!raw.startsWith("{")) {
      return raw;
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(raw));
    } catch (java.io.IOException e) {
      return raw;
    }
  }

  /** Berth's notes of what the user asked for say so; the rest are Berth's own. */
  private static String noteWho(String kind) {
    return switch (kind) {
      case "start", "shutdown", "reboot", "restoring" -> "you";
      default -> "Berth";
    };
  }

  private static String who(String name, JsonNode data) {
    if (data.has("guest")) {
      return data.path("guest").asBoolean() ? "the guest" : "the host";
    }
    return switch (name) {
      case "SUSPEND", "GUEST_PANICKED" -> "the guest";
      default -> "the host";
    };
  }

  private static String details(String name, JsonNode data) {
    String reason = data.path("reason").asText("");
    String words =
        switch (name) {
          case "POWERDOWN" -> "The power button was pressed: the guest decides";
          case "SHUTDOWN" -> cause(reason, "The machine shut down");
          case "RESET" -> cause(reason, "The machine restarted");
          case "STOP" -> "The guest's CPU stopped";
          case "RESUME" -> "The guest's CPU runs again";
          case "SUSPEND" -> "The guest suspended itself (S3)";
          case "WAKEUP" -> "The guest woke up";
          case "GUEST_PANICKED" -> "The guest reported a panic";
          default -> "";
        };
    String token = reason.isEmpty() ? "" : reason;
    if (words.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, JsonNode> f : data.properties()) {
        sb.append(sb.length() == 0 ? "" : ", ")
            .append(f.getKey())
            .append(": ")
            .append(f.getValue());
      }
      return sb.toString();
    }
    return token.isEmpty() ? words : words + " (" + token + ")";
  }

  private static String cause(String reason, String otherwise) {
    return switch (reason) {
      case "guest-shutdown" -> "The guest powered off";
      case "guest-reset" -> "The guest restarted itself";
      case "guest-panic" -> "The guest's kernel panicked";
      case "host-qmp-quit" -> "The emulator was quit: a power cut for the guest";
      case "host-qmp-system-reset" -> "The machine was reset from outside";
      case "host-signal" -> "The emulator was ended by a signal (force off, terminate, Ctrl+C)";
      case "host-error" -> "The emulator failed";
      case "host-ui" -> "Closed from the emulator's own window";
      case "subsystem-reset" -> "A device reset the machine";
      case "snapshot-load" -> "A snapshot was loaded";
      default -> otherwise;
    };
  }
}
