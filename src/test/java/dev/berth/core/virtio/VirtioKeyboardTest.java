package dev.berth.core.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.virtio.TestDriver.Buf;
import dev.berth.core.virtio.TestDriver.Used;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The keyboard's configuration answers and event path, driven as Linux's virtio_input does. */
class VirtioKeyboardTest {
  private static final int KEY_A = 30;
  private final AtomicInteger wakes = new AtomicInteger();
  private final VirtioKeyboard kbd = new VirtioKeyboard(wakes::incrementAndGet);
  private final TestDriver d = new TestDriver(kbd);

  /** virtinput_cfg_select: returns the size and leaves the answer at 0x108. */
  private int select(int select, int subsel) {
    d.mmio.write(0x100, 1, select);
    d.mmio.write(0x101, 1, subsel);
    return (int) d.mmio.read(0x102, 1) & 0xff;
  }

  private boolean bit(int n) {
    return (d.mmio.read(0x108 + n / 8, 1) >> (n % 8) & 1) != 0;
  }

  @Test
  void configAnswersWhatLinuxAsks() {
    assertEquals(18, d.reg(0x008));
    int n = select(VirtioKeyboard.CFG_ID_NAME, 0);
    byte[] name = new byte[n];
    for (int i = 0; i < n; i++) {
      name[i] = (byte) d.mmio.read(0x108 + i, 1);
    }
    assertEquals(VirtioKeyboard.NAME, new String(name, StandardCharsets.US_ASCII));
    assertEquals(8, select(VirtioKeyboard.CFG_ID_DEVIDS, 0));
    assertEquals(VirtioKeyboard.BUS_VIRTUAL, d.mmio.read(0x108, 2));
    assertEquals(32, select(VirtioKeyboard.CFG_EV_BITS, VirtioKeyboard.EV_KEY));
    assertTrue(bit(KEY_A) && bit(116) && bit(255), "KEY_A, KEY_POWER, all of 1-255");
    assertTrue(!bit(0), "KEY_RESERVED is not a key");
    assertTrue(select(VirtioKeyboard.CFG_EV_BITS, VirtioKeyboard.EV_REP) > 0, "autorepeat");
    assertEquals(0, select(VirtioKeyboard.CFG_EV_BITS, 2), "no EV_REL");
    assertEquals(0, select(0x12, 0), "no ABS_INFO");
  }

  private List<int[]> events(List<Used> used, long[] bufs, int[] heads) {
    List<int[]> out = new ArrayList<>();
    for (Used u : used) {
      assertEquals(8, u.len());
      int i = 0;
      while (heads[i] != u.head()) {
        i++;
      }
      ByteBuffer e = ByteBuffer.wrap(d.get(bufs[i], 8)).order(ByteOrder.LITTLE_ENDIAN);
      out.add(new int[] {e.getShort(0), e.getShort(2), e.getInt(4)});
    }
    return out;
  }

  @Test
  void keysFromAnotherThreadArriveAsKeyAndSynEvents() throws InterruptedException {
    d.start(d.features(), 8);
    var q = d.queue(0);
    long[] bufs = new long[3];
    int[] heads = new int[3];
    for (int i = 0; i < 3; i++) {
      bufs[i] = d.alloc(8, 8);
      heads[i] = q.post(Buf.in(bufs[i], 8));
    }
    q.kick();
    Thread host =
        new Thread(
            () -> {
              kbd.key(KEY_A, true);
              kbd.key(KEY_A, false);
            });
    host.start();
    host.join();
    assertTrue(wakes.get() >= 2, "each key wakes the machine");
    d.mmio.pump();
    List<int[]> got = events(q.takeUsed(), bufs, heads);
    assertEquals(3, got.size(), "three buffers, three events; the fourth waits");
    assertEquals(List.of(1, KEY_A, 1), List.of(got.get(0)[0], got.get(0)[1], got.get(0)[2]));
    assertEquals(List.of(0, 0, 0), List.of(got.get(1)[0], got.get(1)[1], got.get(1)[2]));
    assertEquals(List.of(1, KEY_A, 0), List.of(got.get(2)[0], got.get(2)[1], got.get(2)[2]));
    assertTrue(d.interrupting());
    heads[0] = q.post(Buf.in(bufs[0], 8));
    q.kick();
    got = events(q.takeUsed(), bufs, heads);
    assertEquals(List.of(0, 0, 0), List.of(got.get(0)[0], got.get(0)[1], got.get(0)[2]));
  }

  @Test
  void ledReportsAreAcceptedAndUnknownKeysRefused() {
    d.start(d.features(), 8);
    var status = d.queue(1);
    byte[] led =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short) 0x11)
            .putShort((short) 1)
            .putInt(1)
            .array();
    status.post(Buf.out(d.put(led), 8));
    status.kick();
    assertEquals(1, status.takeUsed().size());
    assertThrows(IllegalArgumentException.class, () -> kbd.key(0, true));
    assertThrows(IllegalArgumentException.class, () -> kbd.key(256, true));
  }
}
