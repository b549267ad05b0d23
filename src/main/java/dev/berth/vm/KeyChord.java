package dev.berth.vm;

import java.util.List;
import java.util.Locale;

/**
 * The key combinations the Send key menu presses on the guest's keyboard, each as Linux input key
 * codes ({@code linux/input-event-codes.h}: libvirt's send-key and the bundled core's virtio
 * keyboard take these) and as QEMU's qcodes ({@code send-key}). Keys are pressed in order and
 * released in reverse.
 */
public enum KeyChord {
  CTRL_ALT_DEL("Ctrl+Alt+Del", 111, "delete"),
  CTRL_ALT_BACKSPACE("Ctrl+Alt+Backspace", 14, "backspace"),
  CTRL_ALT_F1("Ctrl+Alt+F1", 59, "f1"),
  CTRL_ALT_F2("Ctrl+Alt+F2", 60, "f2"),
  CTRL_ALT_F3("Ctrl+Alt+F3", 61, "f3"),
  CTRL_ALT_F4("Ctrl+Alt+F4", 62, "f4"),
  CTRL_ALT_F5("Ctrl+Alt+F5", 63, "f5"),
  CTRL_ALT_F6("Ctrl+Alt+F6", 64, "f6"),
  CTRL_ALT_F7("Ctrl+Alt+F7", 65, "f7"),
  CTRL_ALT_F8("Ctrl+Alt+F8", 66, "f8"),
  CTRL_ALT_F9("Ctrl+Alt+F9", 67, "f9"),
  CTRL_ALT_F10("Ctrl+Alt+F10", 68, "f10"),
  CTRL_ALT_F11("Ctrl+Alt+F11", 87, "f11"),
  CTRL_ALT_F12("Ctrl+Alt+F12", 88, "f12");

  /** Left Ctrl and left Alt, the keys every chord here holds. */
  private static final int KEY_LEFTCTRL = 29;

  private static final int KEY_LEFTALT = 56;

  private final String label;
  private final int lastKey;
  private final String lastQcode;

  KeyChord(String label, int lastKey, String lastQcode) {
    this.label = label;
    this.lastKey = lastKey;
    this.lastQcode = lastQcode;
  }

  /** As a menu shows it: "Ctrl+Alt+F2". */
  public String label() {
    return label;
  }

  /** Linux key codes, in the order they are pressed. */
  public int[] linuxCodes() {
    return new int[] {KEY_LEFTCTRL, KEY_LEFTALT, lastKey};
  }

  /** QEMU's qcodes for {@code send-key}, in the same order. */
  public List<String> qcodes() {
    return List.of("ctrl", "alt", lastQcode);
  }

  /** CTRL_ALT_F2 → "ctrl-alt-f2". */
  public String token() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
