package dev.berth.display;

/** A guest keyboard that takes Linux input key codes ({@code KEY_A} = 30, …). */
@FunctionalInterface
public interface LinuxKeyboard {
  void key(int linuxKeyCode, boolean down);
}
