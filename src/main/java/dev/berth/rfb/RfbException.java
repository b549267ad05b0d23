package dev.berth.rfb;

import java.io.IOException;

/** A VNC connection failed; the message is one line a user can read. */
public final class RfbException extends IOException {
  private static final long serialVersionUID = 1L;

  public RfbException(String message) {
    super(message);
  }

  public RfbException(String message, Throwable cause) {
    super(message, cause);
  }
}
