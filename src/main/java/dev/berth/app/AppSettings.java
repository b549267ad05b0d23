package dev.berth.app;

/** The user's choices in dialogs ("don't ask again"), for this session. */
final class AppSettings {
  private boolean confirmQuit = true;

  boolean confirmQuit() {
    return confirmQuit;
  }

  void setConfirmQuit(boolean confirm) {
    this.confirmQuit = confirm;
  }
}
