package dev.berth.vm;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The power menu, defined once: each action's label, shortcut, tooltip, CLI verb, when it is
 * enabled (from the VM's state and capabilities), whether it asks first, and what it calls. The
 * app's menu bar, toolbar and the VM list's right-click menu are built from this table, and so are
 * {@code berth power}'s verbs.
 */
public enum VmAction {
  START(
      "_Start",
      null,
      "Shortcut+Shift+S",
      "Boot the VM",
      Where.MACHINE,
      null,
      null,
      VmControls::start),
  POWER_BUTTON(
      "Power _button (ACPI)",
      "button",
      "Shortcut+Shift+P",
      "Press the emulated ACPI power button: the guest decides what to do",
      Where.MACHINE,
      Capability.POWER_BUTTON,
      null,
      VmControls::powerButton),
  SHUT_DOWN(
      "Shut _down",
      "shutdown",
      "Shortcut+Shift+D",
      "Ask the guest to shut down: through its agent when one answers, otherwise the ACPI power"
          + " button",
      Where.MACHINE,
      null,
      null,
      VmControls::shutDown),
  REBOOT(
      "Re_boot",
      "reboot",
      null,
      "Ask the guest to restart: through its agent when one answers, otherwise Ctrl+Alt+Del on its"
          + " keyboard (libvirt: its own reboot, the power button)",
      Where.MACHINE,
      null,
      null,
      VmControls::reboot),
  QUIT(
      "_Quit emulator…",
      "quit",
      "Shortcut+Shift+Q",
      "Stop the emulator at once: a power cut for the guest, unsaved data is lost (host-qmp-quit)",
      Where.MACHINE,
      null,
      Confirm.powerCut(
          "Quit %s's emulator now?", "The emulator stops at once and the guest gets no notice"),
      VmControls::quit),
  FORCE_OFF(
      "_Force off",
      "force-off",
      "Shortcut+Shift+F",
      "Terminate the emulator (host-signal), escalating to kill after "
          + ForceOff.KILL_AFTER_SECONDS
          + " s, like libvirt's destroy",
      Where.MACHINE,
      Capability.SIGNALS,
      Confirm.powerCut(
          "Force %s off now?",
          "The emulator is terminated (and killed after " + ForceOff.KILL_AFTER_SECONDS + " s)"),
      VmControls::forceOff),
  INTERRUPT(
      "_Interrupt (SIGINT, as Ctrl+C on the emulator's terminal)",
      "interrupt",
      null,
      "SIGINT: the emulator shuts down with cause host-signal",
      Where.SIGNALS,
      Capability.SIGINT,
      Confirm.powerCut("Send SIGINT to %s's emulator now?", "The emulator shuts down at once"),
      VmControls::interrupt),
  TERMINATE(
      "_Terminate (SIGTERM, no escalation)",
      "terminate",
      null,
      "SIGTERM: the emulator shuts down with cause host-signal",
      Where.SIGNALS,
      Capability.SIGNALS,
      Confirm.powerCut("Send SIGTERM to %s's emulator now?", "The emulator shuts down at once"),
      VmControls::terminate),
  KILL(
      "_Kill (SIGKILL: no shutdown event)",
      "kill",
      null,
      "SIGKILL: the emulator is gone at once, with no shutdown event",
      Where.SIGNALS,
      Capability.SIGNALS,
      Confirm.powerCut(
          "Kill %s's emulator now?", "SIGKILL ends the emulator at once, with no shutdown event"),
      VmControls::kill),
  RESET(
      "_Reset",
      "reset",
      "Shortcut+Shift+R",
      "Reset the machine: the guest reboots without shutting down (host-qmp-system-reset)",
      Where.MACHINE,
      null,
      new Confirm(
          "Reset %s now?",
          "The machine restarts at once, without shutting down: anything the guest has not"
              + " written to disk is lost."),
      VmControls::reset),
  PAUSE(
      "P_ause",
      "pause",
      "Shortcut+Shift+Z",
      "Stop the guest's CPU; the guest does not notice (STOP)",
      Where.MACHINE,
      null,
      null,
      VmControls::pause),
  RESUME(
      "Res_ume",
      "resume",
      "Shortcut+Shift+Z",
      "Continue the guest's CPU (RESUME)",
      Where.MACHINE,
      null,
      null,
      VmControls::resume),
  WAKE_UP(
      "_Wake up",
      "wakeup",
      null,
      "Wake a suspended (S3) guest (WAKEUP)",
      Where.MACHINE,
      Capability.SUSPEND,
      null,
      VmControls::wakeUp),
  SAVE_STATE(
      "Sa_ve state",
      "save",
      "Shortcut+Shift+V",
      "Write the VM's whole state to disk and stop it; Start goes on where the guest was"
          + " (libvirt's managed save, QEMU's migration stream)",
      Where.MACHINE,
      Capability.SAVE_STATE,
      null,
      VmControls::saveState),
  // the Send key menu: one row per chord
  CTRL_ALT_DEL(KeyChord.CTRL_ALT_DEL),
  CTRL_ALT_BACKSPACE(KeyChord.CTRL_ALT_BACKSPACE),
  CTRL_ALT_F1(KeyChord.CTRL_ALT_F1),
  CTRL_ALT_F2(KeyChord.CTRL_ALT_F2),
  CTRL_ALT_F3(KeyChord.CTRL_ALT_F3),
  CTRL_ALT_F4(KeyChord.CTRL_ALT_F4),
  CTRL_ALT_F5(KeyChord.CTRL_ALT_F5),
  CTRL_ALT_F6(KeyChord.CTRL_ALT_F6),
  CTRL_ALT_F7(KeyChord.CTRL_ALT_F7),
  CTRL_ALT_F8(KeyChord.CTRL_ALT_F8),
  CTRL_ALT_F9(KeyChord.CTRL_ALT_F9),
  CTRL_ALT_F10(KeyChord.CTRL_ALT_F10),
  CTRL_ALT_F11(KeyChord.CTRL_ALT_F11),
  CTRL_ALT_F12(KeyChord.CTRL_ALT_F12);

  /** Where the action sits in the menus. */
  public enum Where {
    MACHINE,
    SIGNALS,
    SEND_KEY
  }

  private final String label;
  private final String verb;
  private final String shortcut;
  private final String tooltip;
  private final Where where;
  private final Capability needs;
  private final Confirm confirm;
  private final Function<VmControls, CompletableFuture<?>> call;
  private final KeyChord chord;

  VmAction(
      String label,
      String verb,
      String shortcut,
      String tooltip,
      Where where,
      Capability needs,
      Confirm confirm,
      Function<VmControls, CompletableFuture<?>> call) {
    this.label = label;
    this.verb = verb;
    this.shortcut = shortcut;
    this.tooltip = tooltip;
    this.where = where;
    this.needs = needs;
    this.confirm = confirm;
    this.call = call;
    this.chord = null;
  }

  /** A Send key row: the chord's label, pressed on the guest's keyboard. */
  VmAction(KeyChord chord) {
    this.label = chord.label();
    this.verb = null;
    this.shortcut = null;
    this.tooltip = "Press " + chord.label() + " on the guest's keyboard";
    this.where = Where.SEND_KEY;
    this.needs = Capability.KEYBOARD;
    this.confirm = null;
    this.call = c -> c.sendKeys(chord);
    this.chord = chord;
  }

  /** The keys a Send key row presses, or null for the other actions. */
  public KeyChord chord() {
    return chord;
  }

  /** The menu label, with {@code _} before its mnemonic. */
  public String label() {
    return label;
  }

  /** The label as a button shows it: no mnemonic, no ellipsis, no parenthesis. */
  public String shortLabel() {
    String s = label.replace("_", "").replace("…", "");
    int paren = s.indexOf(" (");
    return paren > 0 ? s.substring(0, paren) : s;
  }

  /** The {@code berth power} verb, or null for an action the CLI does not have. */
  public String verb() {
    return verb;
  }

  /** The shortcut in JavaFX's KeyCombination syntax, or null. */
  public String shortcut() {
    return shortcut;
  }

  public String tooltip() {
    return tooltip;
  }

  public Where where() {
    return where;
  }

  /**
   * What the app (unless told not to) and {@code berth power} on a terminal ask before doing it, or
   * null for an action that needs no confirmation: the ones that lose what the guest has not
   * written to disk.
   */
  public Confirm confirm() {
    return confirm;
  }

  /**
   * The question before an action that cuts the guest's power, and what it does to the guest.
   *
   * @param question with {@code %s} for the VM's name
   */
  public record Confirm(String question, String consequence) {
    /** {@code what}, then what a power cut means for the guest. */
    static Confirm powerCut(String question, String what) {
      return new Confirm(
          question,
          what
              + ": a power cut for the guest, and anything it has not written to disk is lost."
              + " Shut down lets the guest stop cleanly.");
    }

    public String question(String vm) {
      return String.format(Locale.ROOT, question, vm);
    }
  }

  /** True for the ways to end the run at once, after which the VM's sockets close. */
  public boolean endsTheRun() {
    return this == QUIT
        || this == FORCE_OFF
        || this == INTERRUPT
        || this == TERMINATE
        || this == KILL;
  }

  /** The action a toggle shows instead of this one (Pause and Resume share a control). */
  public VmAction pairedWith() {
    return this == PAUSE ? RESUME : this == RESUME ? PAUSE : null;
  }

  /** Does it. */
  public CompletableFuture<?> invoke(VmControls controls) {
    return call.apply(controls);
  }

  /**
   * Why the action cannot be used now, or null when it can.
   *
   * @param state the VM's state
   * @param can what its machine and backend can do
   */
  public String disabledReason(VmState state, Set<Capability> can) {
    if (this == START) {
      return state.isActive() ? "it is already running" : null;
    }
    if (!state.isActive()) {
      return "it is not running";
    }
    if (state == VmState.UNREACHABLE) {
      return "its host cannot be reached";
    }
    String stateProblem =
        switch (this) {
          case POWER_BUTTON, SHUT_DOWN ->
              state == VmState.PAUSED || state == VmState.SUSPENDED
                  ? "it is " + state.label().toLowerCase(Locale.ROOT) + "; resume it first"
                  : state == VmState.RUNNING || state == VmState.POWERING_DOWN
                      ? null
                      : "it is already stopping";
          case PAUSE ->
              state == VmState.PAUSED || state == VmState.SUSPENDED || state == VmState.STARTING
                  ? "it is not running"
                  : null;
          case RESUME -> state == VmState.PAUSED ? null : "it is not paused";
          case WAKE_UP -> state == VmState.SUSPENDED ? null : "it is not suspended";
          case REBOOT ->
              state == VmState.RUNNING
                  ? null
                  : state == VmState.PAUSED || state == VmState.SUSPENDED
                      ? "it is " + state.label().toLowerCase(Locale.ROOT) + "; resume it first"
                      : "it is not running";
          case SAVE_STATE ->
              state == VmState.RUNNING || state == VmState.PAUSED
                  ? null
                  : state == VmState.SAVING ? "it is saving already" : "it is not running";
          default -> null;
        };
    if (stateProblem == null && chord != null && state != VmState.RUNNING) {
      stateProblem = "it is not running";
    }
    if (stateProblem != null) {
      return stateProblem;
    }
    if (this == REBOOT
        && !can.contains(Capability.KEYBOARD)
        && !can.contains(Capability.GUEST_AGENT)) {
      return "it has neither a guest agent nor a keyboard";
    }
    if (this == SHUT_DOWN
        && !can.contains(Capability.POWER_BUTTON)
        && !can.contains(Capability.GUEST_AGENT)) {
      return "it has neither a guest agent nor a power button";
    }
    return needs != null && !can.contains(needs) ? needs.missing() : null;
  }

  /** The action {@code berth power VERB} names. */
  public static Optional<VmAction> byVerb(String verb) {
    for (VmAction a : values()) {
      if (a.verb != null && a.verb.equalsIgnoreCase(verb)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
