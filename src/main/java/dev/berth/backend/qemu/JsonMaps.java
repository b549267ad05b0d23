package dev.berth.backend.qemu;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;

/** Jackson's type for a JSON object read as a map. */
final class JsonMaps {
  static final TypeReference<Map<String, Object>> TYPE = new TypeReference<>() {};

  private JsonMaps() {}
}
