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

  /** An event as QMP sent it, back as a {@link MachineEvent}. */
  public static MachineEvent toEvent(com.fasterxml.jackson.databind.JsonNode e) {
    java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
    com.fasterxml.jackson.databind.JsonNode d = e.path("data");
    if (d.isObject()) {
      data.putAll(MAPPER.convertValue(d, MAP));
    }
    long micros =
        e.at("/timestamp/seconds").asLong() * 1_000_000 + e.at("/timestamp/microseconds").asLong();
    return new MachineEvent(e.path("event").asText("?"), data, micros);
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>
      MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {};

  public static String eventLine(MachineEvent e) {
    try {
      return MAPPER.writeValueAsString(event(e));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("event cannot be written as JSON", ex);
    }
  }
}
