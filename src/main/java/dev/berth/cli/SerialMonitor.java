package dev.berth.cli;

import dev.berth.core.machine.Machine;
import dev.berth.event.RunState;
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

  /** The hart's place, asked of the worker thread; it answers between slices. */
  private String summary() {
    try {
      return machine.cpuSummary().get(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return "cpu: no answer from the worker";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "cpu: interrupted";
    }
  }

  private final Machine machine;
  private final PrintStream messages;
  private boolean escaped;

  SerialMonitor(Machine machine, PrintStream messages) {
    this.machine = machine;
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
      int taken = machine.sendSerial(buf, off, len);
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
        machine.powerButton();
      }
      case 'x' -> {
        say("quitting the emulator");
        machine.quit();
      }
      case 't' -> {
        say("terminating (host-signal)");
        machine.terminate();
      }
      case 'k' -> {
        say("killing the machine");
        machine.kill();
      }
      case 'r' -> {
        say("resetting");
        machine.reset();
      }
      case 'z' -> {
        boolean paused = machine.state() == RunState.PAUSED;
        say(paused ? "resuming" : "pausing");
        if (paused) {
          machine.resume();
        } else {
          machine.pause();
        }
      }
      case 'w' -> {
        say("waking the guest");
        machine.wakeup();
      }
      case 's' ->
          say(
              "state: "
                  + machine.state().qapiName()
                  + ", instructions: "
                  + machine.instructionsRetired()
                  + ", "
                  + summary()
                  + ", power button "
                  + (machine.guestListensToButton() ? "enabled by the guest" : "not enabled"));
      case 'a', ESCAPE -> forward(new byte[] {ESCAPE}, 0, 1);
      default -> say("unknown escape key; Ctrl+A h for help");
    }
    messages.flush();
  }
}
