package dev.berth.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * An error reply in QEMU's QAPI shape, {@code {"error": {"class": …, "desc": …}}}, as both QMP and
 * the guest agent send it: the peer answered, and said no.
 */
public final class QapiError extends IOException {
  private final String errorClass;

  public QapiError(String errorClass, String desc) {
    super(desc);
    this.errorClass = errorClass;
  }

  /** The error reply {@code reply} carries. */
  public static QapiError of(JsonNode reply) {
    return new QapiError(reply.at("/error/class").asText(), reply.at("/error/desc").asText());
  }

  /** QAPI's error class, e.g. {@code CommandNotFound} or {@code GenericError}. */
  public String errorClass() {
    return errorClass;
  }
}
