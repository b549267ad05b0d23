package dev.berth.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoldfishRtcTest {
  private final DeviceFixture f = new DeviceFixture();
  private final GoldfishRtc rtc = new GoldfishRtc(f.plic, 11);

  private long time() {
    long low = rtc.read(0x00, 4);
    return rtc.read(0x04, 4) << 32 | low;
  }

  @Test
  void readsWallClockNanosecondsAndCanBeSet() {
    long wall = System.currentTimeMillis() * 1_000_000L;
    assertTrue(Math.abs(time() - wall) < 5_000_000_000L, "within 5 s of the host's clock");
    long target = 1_000_000_000_000_000_000L; // 2001-09-09
    rtc.write(0x04, 4, target >>> 32);
    rtc.write(0x00, 4, target & 0xffffffffL);
    assertTrue(Math.abs(time() - target) < 1_000_000_000L, "the guest set the clock");
  }

  @Test
  void anEnabledAlarmInThePastInterruptsUntilCleared() {
    f.route(11);
    rtc.write(0x10, 4, 1); // IRQ_ENABLED
    long past = time() - 1_000_000;
    rtc.write(0x0c, 4, past >>> 32);
    rtc.write(0x08, 4, past & 0xffffffffL);
    assertTrue(f.machineExternalPending());
    assertEquals(0, rtc.read(0x18, 4), "the alarm fired and stopped");
    rtc.write(0x1c, 4, 1); // CLEAR_INTERRUPT
    assertFalse(f.machineExternalPending());
  }
}
