package dev.berth.core.virtio;

/** A keyboard the host types on; any thread may call it. */
public interface Keyboard {
  /**
   * Presses ({@code down}) or releases a key, by its Linux key code ({@code KEY_A} is 30). The
   * guest sees the event, followed by a SYN_REPORT, between two slices.
   *
   * @throws IllegalArgumentException if the keyboard has no such key (codes 1–255)
   */
  void key(int linuxKeyCode, boolean down);
}
