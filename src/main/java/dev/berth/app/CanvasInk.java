package dev.berth.app;

/** Whether the app wears the dark theme, for what it draws on canvases. */
final class CanvasInk {
  private CanvasInk() {}

  static boolean dark() {
    String ua = javafx.application.Application.getUserAgentStylesheet();
    return ua != null && ua.contains("dark");
  }
}
