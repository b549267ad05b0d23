package dev.berth.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rows the toolbar's Send key ▾ and Shut down ▾ menus are built from. */
class VmActionTest {
  @Test
  void everyChordHasASendKeyRowThatPressesCtrlAltAndItsKey() {
    List<VmAction> rows =
        Arrays.stream(VmAction.values()).filter(a -> a.where() == VmAction.Where.SEND_KEY).toList();
    assertEquals(Arrays.asList(KeyChord.values()), rows.stream().map(VmAction::chord).toList());
    for (VmAction a : rows) {
      assertEquals(a.chord().label(), a.label());
      int[] codes = a.chord().linuxCodes();
      assertEquals(29, codes[0], "left Ctrl");
      assertEquals(56, codes[1], "left Alt");
      assertEquals(List.of("ctrl", "alt"), a.chord().qcodes().subList(0, 2));
    }
    assertEquals(66, KeyChord.CTRL_ALT_F8.linuxCodes()[2], "KEY_F8");
    assertEquals(87, KeyChord.CTRL_ALT_F11.linuxCodes()[2], "KEY_F11 is not F10 + 1");
    assertEquals("f12", KeyChord.CTRL_ALT_F12.qcodes().get(2));
  }

  @Test
  void keysNeedARunningGuestWithAKeyboard() {
    Set<Capability> keyboard = Set.of(Capability.KEYBOARD);
    assertNull(VmAction.CTRL_ALT_F2.disabledReason(VmState.RUNNING, keyboard));
    assertEquals(
        "it is not running", VmAction.CTRL_ALT_F2.disabledReason(VmState.PAUSED, keyboard));
    assertEquals(
        Capability.KEYBOARD.missing(),
        VmAction.CTRL_ALT_BACKSPACE.disabledReason(VmState.RUNNING, Set.of()));
  }

  @Test
  void rebootNeedsAnAgentOrAKeyboardAndAGuestThatRuns() {
    assertNull(VmAction.REBOOT.disabledReason(VmState.RUNNING, Set.of(Capability.GUEST_AGENT)));
    assertNull(VmAction.REBOOT.disabledReason(VmState.RUNNING, Set.of(Capability.KEYBOARD)));
    assertEquals(
        "it has neither a guest agent nor a keyboard",
        VmAction.REBOOT.disabledReason(VmState.RUNNING, Set.of()));
    assertEquals(
        "it is paused; resume it first",
        VmAction.REBOOT.disabledReason(VmState.PAUSED, Set.of(Capability.KEYBOARD)));
  }
}
