package dev.berth.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlicTest {
  private final DeviceFixture f = new DeviceFixture();

  @Test
  void claimReturnsTheHighestPriorityThenCompleteReArmsALevelStillHigh() {
    f.route(3);
    f.route(7);
    f.plic.write(4L * 7, 4, 5);
    f.plic.setLevel(3, true);
    f.plic.setLevel(7, true);
    assertTrue(f.machineExternalPending());
    assertEquals(0x88, f.plic.read(0x1000, 4), "both pending");
    assertEquals(7, f.claim());
    assertEquals(3, f.claim(), "7 is in service, so 3 is next");
    assertEquals(0, f.claim(), "nothing left to claim");
    assertFalse(f.machineExternalPending());
    f.complete(7);
    assertTrue(f.machineExternalPending(), "source 7 is still asserted: pending again");
    assertEquals(7, f.claim());
    f.plic.setLevel(7, false);
    f.complete(7);
    assertFalse(f.machineExternalPending());
  }

  @Test
  void thresholdMasksPrioritiesAtOrBelowIt() {
    f.route(10);
    f.plic.write(0x200000, 4, 1);
    f.plic.setLevel(10, true);
    assertFalse(f.machineExternalPending(), "priority 1 does not exceed threshold 1");
    f.plic.write(4L * 10, 4, 2);
    assertTrue(f.machineExternalPending());
  }

  @Test
  void disabledSourcesAndPriorityZeroNeverInterrupt() {
    f.plic.setLevel(5, true);
    assertFalse(f.machineExternalPending());
    f.route(5);
    assertTrue(f.machineExternalPending());
    f.plic.write(4L * 5, 4, 0);
    assertFalse(f.machineExternalPending());
  }
}
