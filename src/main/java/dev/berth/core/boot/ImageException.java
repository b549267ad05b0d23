package dev.berth.core.boot;

/** A boot image cannot be used. The message is one line a user can act on. */
public final class ImageException extends Exception {
  public ImageException(String message) {
    super(message);
  }

  public ImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
