package dev.berth.vm;

/** Whether a guest agent answers, and what it says about itself. */
public record AgentStatus(boolean answers, String detail) {
  public static AgentStatus answering(String detail) {
    return new AgentStatus(true, detail);
  }

  public static AgentStatus silent(String why) {
    return new AgentStatus(false, why);
  }

  /** One line for a user. */
  public String describe() {
    return answers
        ? "Guest agent answers" + (detail.isEmpty() ? "" : ": " + detail)
        : "No guest agent: " + detail;
  }
}
