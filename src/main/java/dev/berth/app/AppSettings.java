package dev.berth.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.vm.AtomicFiles;
import dev.berth.vm.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The user's choices in dialogs ("don't ask again"), kept in {@code settings.json} in the config
 * dir. An unreadable file means the defaults; it is never a reason not to start.
 */
final class AppSettings {
  private static final System.Logger LOG = System.getLogger(AppSettings.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 64 * 1024;

  private final Path file;
  private boolean confirmQuit = true;

  private AppSettings(Path file) {
    this.file = file;
  }

  static AppSettings load(Path configDir) {
    AppSettings s = new AppSettings(configDir.resolve("settings.json"));
    try {
      // A regular file only, and a small one: a FIFO planted there must not hang the start.
      byte[] bytes = PrivateFiles.readTail(s.file, MAX_BYTES);
      if (bytes != null) {
        s.confirmQuit = JSON.readTree(bytes).path("confirmQuit").asBoolean(true);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, s.file + ": unreadable, using defaults", e);
    }
    return s;
  }

  boolean confirmQuit() {
    return confirmQuit;
  }

  void setConfirmQuit(boolean confirm) {
    this.confirmQuit = confirm;
    save();
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("confirmQuit", confirmQuit);
    try {
      PrivateFiles.directory(file.getParent());
      AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, file + ": cannot save settings", e);
    }
  }
}
