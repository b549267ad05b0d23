package dev.berth.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PM1 registers with PIIX4 semantics, as power-paths.md describes them. */
class PowerManagementTest {
  private final DeviceFixture f = new DeviceFixture();
  private final List<String> requests = new ArrayList<>();
  private final PowerManagement pm =
      new PowerManagement(
          f.plic,
          12,
          new PowerControl() {
            @Override
            public void guestPowerOff() {
              requests.add("poweroff");
            }

            @Override
            public void guestReset() {
              requests.add("reset");
            }

            @Override
            public void guestSuspend() {
              requests.add("suspend");
            }

            @Override
            public void guestFailure(int code) {
              requests.add("fail " + code);
            }
          });

  PowerManagementTest() {
    f.route(12);
  }

  @Test
  void aPressIsLostUnlessTheGuestEnabledTheButton() {
    assertFalse(pm.pressButton());
    assertEquals(0, pm.read(0, 2), "PWRBTN_STS stays clear");
    pm.write(2, 2, PowerManagement.PWRBTN);
    assertTrue(pm.pressButton());
    assertEquals(PowerManagement.PWRBTN, pm.read(0, 2));
  }

  @Test
  void sciIsALevelWhileStatusAndEnableAndSciEn() {
    pm.write(2, 2, PowerManagement.PWRBTN);
    pm.pressButton();
    assertFalse(f.machineExternalPending(), "no SCI without SCI_EN");
    pm.write(4, 2, PowerManagement.SCI_EN);
    assertTrue(f.machineExternalPending());
    assertEquals(12, f.claim());
    f.complete(12);
    assertTrue(f.machineExternalPending(), "still asserted until the status bit is cleared");
    assertEquals(12, f.claim());
    pm.write(0, 2, 0x0001); // writing 0 to PWRBTN_STS's bit leaves it set
    assertEquals(PowerManagement.PWRBTN, pm.read(0, 2));
    pm.write(0, 2, PowerManagement.PWRBTN); // write 1 to clear
    assertEquals(0, pm.read(0, 2));
    f.complete(12);
    assertFalse(f.machineExternalPending());
  }

  @Test
  void oneThirtyTwoBitWriteSetsEnableAndClearsStatus() {
    pm.write(2, 2, PowerManagement.PWRBTN);
    pm.pressButton();
    pm.write(0, 4, (long) PowerManagement.PWRBTN << 16 | PowerManagement.PWRBTN);
    assertEquals((long) PowerManagement.PWRBTN << 16, pm.read(0, 4));
    assertEquals(PowerManagement.PWRBTN >> 8, pm.read(3, 1), "byte access to PM1_EN's high half");
  }

  @Test
  void slpEnWithTypeZeroIsSoftOffAndTypeOneSuspends() {
    pm.write(4, 2, PowerManagement.SCI_EN | PowerManagement.SLP_EN);
    assertEquals(List.of("poweroff"), requests);
    pm.write(
        4,
        2,
        PowerManagement.SCI_EN | (1 << PowerManagement.SLP_TYP_SHIFT) | PowerManagement.SLP_EN);
    assertEquals(List.of("poweroff", "suspend"), requests);
    pm.write(4, 2, (5 << PowerManagement.SLP_TYP_SHIFT) | PowerManagement.SLP_EN);
    assertEquals(2, requests.size(), "other sleep types do not exist here");
    assertEquals(0, pm.read(4, 2) & PowerManagement.SLP_EN, "SLP_EN reads back 0");
    pm.write(4, 2, 1 << PowerManagement.SLP_TYP_SHIFT);
    assertEquals(2, requests.size(), "SLP_TYP alone does nothing");
  }
}
