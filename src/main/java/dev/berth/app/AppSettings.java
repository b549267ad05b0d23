package dev.berth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.vm.AtomicFiles;
import dev.berth.vm.PrivateFiles;
import dev.berth.vm.SpecValidator;
import dev.berth.vm.VmAction;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The user's choices: which actions ask first ("don't ask again", undone in Preferences), the
 * power-button timeout a new VM gets and the theme, kept in {@code settings.json} in the config
 * dir. An unreadable file means the defaults; it is never a reason not to start.
 */
final class AppSettings {
  private static final System.Logger LOG = System.getLogger(AppSettings.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 64 * 1024;

  private final Path file;
  private final Set<VmAction> notAsked = EnumSet.noneOf(VmAction.class);
  private int powerButtonTimeout = VmSpec.DEFAULT_POWER_BUTTON_TIMEOUT_SECONDS;
  private Theme theme = Theme.CLASSIC;
  private OnClose onClose = OnClose.ASK;

  /** What closing the window does to the VMs that run. */
  enum OnClose {
    ASK("Ask every time"),
    SAVE_STATE("Save their state where the backend can, press the power button on the rest"),
    POWER_BUTTON("Press their power button and wait"),
    LEAVE_RUNNING("Leave QEMU and libvirt VMs running (ask about the others)");

    private final String label;

    OnClose(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /** The look the user chose: JavaFX's own, or AtlantaFX's Primer in light or dark. */
  enum Theme {
    CLASSIC("Classic (JavaFX)"),
    LIGHT("Light"),
    DARK("Dark");

    private final String label;

    Theme(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }

    /**
     * For {@link javafx.application.Application#setUserAgentStylesheet}: AtlantaFX's binary form
     * (BSS), which JavaFX reads without parsing 170 KB of CSS at launch.
     */
    String stylesheet() {
      return switch (this) {
        case CLASSIC -> javafx.application.Application.STYLESHEET_MODENA;
        case LIGHT -> new atlantafx.base.theme.PrimerLight().getUserAgentStylesheetBSS();
        case DARK -> new atlantafx.base.theme.PrimerDark().getUserAgentStylesheetBSS();
      };
    }
  }

  private AppSettings(Path file) {
    this.file = file;
  }

  static AppSettings load(Path configDir) {
    AppSettings s = new AppSettings(configDir.resolve("settings.json"));
    try {
      // A regular file only, and a small one: a FIFO planted there must not hang the start.
      byte[] bytes = PrivateFiles.readTail(s.file, MAX_BYTES);
      if (bytes != null) {
        JsonNode root = JSON.readTree(bytes);
        JsonNode confirm = root.path("confirm");
        for (VmAction a : VmAction.values()) {
          if (a.confirm() != null && !confirm.path(a.verb()).asBoolean(true)) {
            s.notAsked.add(a);
          }
        }
        // the one choice settings.json held before there were more
        if (!root.path("confirmQuit").asBoolean(true)) {
          s.notAsked.add(VmAction.QUIT);
        }
        for (OnClose c : OnClose.values()) {
          if (c.name().equalsIgnoreCase(root.path("onClose").asText(""))) {
            s.onClose = c;
          }
        }
        for (Theme t : Theme.values()) {
          if (t.name().equalsIgnoreCase(root.path("theme").asText(""))) {
            s.theme = t;
          }
        }
        int timeout =
            root.path("powerButtonTimeoutSeconds")
                .asInt(VmSpec.DEFAULT_POWER_BUTTON_TIMEOUT_SECONDS);
        if (SpecValidator.timeoutProblem(timeout) == null) {
          s.powerButtonTimeout = timeout;
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, s.file + ": unreadable, using defaults", e);
    }
    return s;
  }

  /** Whether the app asks before {@code action}: its table says it should, and the user agrees. */
  boolean confirms(VmAction action) {
    return action.confirm() != null && !notAsked.contains(action);
  }

  void setConfirms(VmAction action, boolean ask) {
    if (ask) {
      notAsked.remove(action);
    } else {
      notAsked.add(action);
    }
    save();
  }

  /** The power-button timeout the New VM dialog starts with. */
  int powerButtonTimeout() {
    return powerButtonTimeout;
  }

  void setPowerButtonTimeout(int seconds) {
    this.powerButtonTimeout = seconds;
    save();
  }

  OnClose onClose() {
    return onClose;
  }

  void setOnClose(OnClose chosen) {
    this.onClose = chosen;
    save();
  }

  Theme theme() {
    return theme;
  }

  void setTheme(Theme chosen) {
    this.theme = chosen;
    save();
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode confirm = root.putObject("confirm");
    for (VmAction a : VmAction.values()) {
      if (a.confirm() != null) {
        confirm.put(a.verb(), !notAsked.contains(a));
      }
    }
    root.put("powerButtonTimeoutSeconds", powerButtonTimeout);
    root.put("theme", theme.name().toLowerCase(java.util.Locale.ROOT));
    root.put("onClose", onClose.name().toLowerCase(java.util.Locale.ROOT));
    try {
      PrivateFiles.directory(file.getParent());
      AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, file + ": cannot save settings", e);
    }
  }
}
