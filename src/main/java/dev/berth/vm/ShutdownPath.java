package dev.berth.vm;

/**
 * Which way a "Shut down" went: the guest agent, or the ACPI power button (with why the agent was
 * not used).
 */
public record ShutdownPath(Via via, String detail) {
  public enum Via {
    AGENT,
    ACPI_BUTTON
  }

  public static ShutdownPath agent() {
    return new ShutdownPath(Via.AGENT, "");
  }

  public static ShutdownPath button(String whyNotAgent) {
    return new ShutdownPath(Via.ACPI_BUTTON, whyNotAgent);
  }

  /** One line for a user. */
  public String describe() {
    return via == Via.AGENT
        ? "Shut down via the guest agent (guest-shutdown)"
        : "Shut down via the ACPI power button (" + detail + ")";
  }
}
