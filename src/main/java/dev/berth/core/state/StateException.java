package dev.berth.core.state;

import java.io.IOException;

/** A saved state that cannot be loaded, in one line a user can read. */
public final class StateException extends IOException {
  private static final long serialVersionUID = 1L;

  public StateException(String message) {
    super(message);
  }

  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
