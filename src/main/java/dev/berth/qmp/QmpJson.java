package dev.berth.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.event.MachineEvent;

/** QMP's wire format for events: one JSON object per line, as QEMU writes them. */
public final class QmpJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private QmpJson() {}

  public static ObjectNode event(MachineEvent e) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode ts = root.putObject("timestamp");
    ts.put("seconds", e.timestampMicros() / 1_000_000);
    ts.put("microseconds", e.timestampMicros() % 1_000_000);
    root.put("event", e.name());
    if (!e.data().isEmpty()) {
      root.set("data", MAPPER.valueToTree(e.data()));
    }
    return root;
  }

  public static String eventLine(MachineEvent e) {
    try {
      return MAPPER.writeValueAsString(event(e));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("event cannot be written as JSON", ex);
    }
  }
}
