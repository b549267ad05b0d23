package dev.berth.cli;

import dev.berth.event.RunState;
import dev.berth.vm.RunningVm;
import dev.berth.vm.VmControls;
import java.io.PrintStream;

/**
 * Feeds terminal input to the guest's serial console and interprets QEMU-style escapes: Ctrl+A
 * followed by a key drives the power paths from the terminal.
 */
final class SerialMonitor {
  static final int ESCAPE = 0x01; // Ctrl+A

  static final String HELP =
      String.join(
          "\r\n",
          "Ctrl+A h    this help",
          "Ctrl+A p    press the power button (ACPI; the guest decides)",
          "Ctrl+A x    quit the emulator at once (a power cut: host-qmp-quit)",
          "Ctrl+A t    terminate, as SIGTERM does (host-signal)",
          "Ctrl+A k    kill, as SIGKILL does (no shutdown event)",
          "Ctrl+A r    reset the machine",
          "Ctrl+A z    pause or resume",
          "Ctrl+A w    wake a suspended guest",
          "Ctrl+A s    show the machine's state",
          "Ctrl+A a    send Ctrl+A to the guest",
          "");

  private final RunningVm vm;
  private final VmControls controls;
  private final PrintStream messages;
  private boolean escaped;

  /**
   * @param vm where typed bytes go, and what the state line reads
   * @param controls what the power keys do (a session, or the VM itself for {@code berth run})
   */
  SerialMonitor(RunningVm vm, VmControls controls, PrintStream messages) {
    this.vm = vm;
    this.controls = controls;
    this.messages = messages;
  }

  void feed(byte[] buf, int len) throws InterruptedException {
    int start = 0;
    for (int i = 0; i < len; i++) {
      int b = buf[i] & 0xff;
      if (escaped) {
        escaped = false;
        start = i + 1;
        command(b);
      } else if (b == ESCAPE) {
        forward(buf, start, i - start);
        escaped = true;
        start = i + 1;
      }
    }
    forward(buf, start, len - start);
  }

  private void forward(byte[] buf, int off, int len) throws InterruptedException {
    while (len > 0) {
      int taken = vm.offer(buf, off, len);
      off += taken;
      len -= taken;
      if (taken == 0) {
        Thread.sleep(1); // the guest is not reading; wait for room in its input queue
      }
    }
  }

  private void say(String text) {
    messages.print("\r\n[berth] " + text + "\r\n");
    messages.flush();
  }

  private void command(int key) throws InterruptedException {
    switch (Character.toLowerCase((char) key)) {
      case 'h', '?' -> messages.print("\r\n" + HELP);
      case 'p' -> {
        say("power button pressed");
        controls.powerButton();
      }
      case 'x' -> {
        say("quitting the emulator");
        controls.quit();
      }
      case 't' -> {
        say("terminating (host-signal)");
        controls.terminate();
      }
      case 'k' -> {
        say("killing the machine");
        controls.kill();
      }
      case 'r' -> {
        say("resetting");
        controls.reset();
      }
      case 'z' -> {
        boolean paused = vm.state() == RunState.PAUSED;
        say(paused ? "resuming" : "pausing");
        if (paused) {
          controls.resume();
        } else {
          controls.pause();
        }
      }
      case 'w' -> {
        say("waking the guest");
        controls.wakeUp();
      }
      case 's' ->
          say(
              "state: "
                  + vm.state().qapiName()
                  + ", "
                  + vm.sampleStats()
                  + (vm.cpuSummary().isEmpty() ? "" : ", " + vm.cpuSummary()));
      case 'a', ESCAPE -> forward(new byte[] {ESCAPE}, 0, 1);
      default -> say("unknown escape key; Ctrl+A h for help");
    }
    messages.flush();
  }
}
