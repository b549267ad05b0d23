package dev.berth.core.virtio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A virtio-input keyboard (ID 18): the configuration space answers the driver's select/subsel
 * questions (name, IDs, EV_KEY with keys 1–255, EV_REP, EV_LED), the event queue carries EV_KEY +
 * EV_SYN events typed on the host, and LED changes on the status queue are accepted and ignored.
 */
public final class VirtioKeyboard extends VirtioDevice implements Keyboard {
  private static final System.Logger LOG = System.getLogger(VirtioKeyboard.class.getName());

  static final String NAME = "Berth Virtio Keyboard";
  static final int CFG_ID_NAME = 1, CFG_ID_DEVIDS = 3, CFG_EV_BITS = 0x11;
  static final int EV_SYN = 0, EV_KEY = 1, EV_LED = 0x11, EV_REP = 0x14;
  static final int BUS_VIRTUAL = 6;
  private static final int EVENTQ = 0, STATUSQ = 1, MAX_KEY = 255, PENDING = 1024;

  private final Runnable wake;
  private final byte[] event = new byte[8];
  private final int[] pending = new int[PENDING]; // type << 16 | code << 1 | value
  private int head, count;

  public VirtioKeyboard(Runnable wake) {
    super(18, 0, 136, 64, 64);
    this.wake = wake;
  }

  @Override
  void writeConfig(int offset, int size, long value) {
    for (int i = 0; i < size; i++) {
      int at = offset + i;
      if (at == 0 || at == 1) {
        config[at] = (byte) (value >>> (8 * i));
      }
    }
    answer(config[0] & 0xff, config[1] & 0xff);
  }

  /** Fills the union at offset 8 and its size at offset 2 for (select, subsel). */
  private void answer(int select, int subsel) {
    java.util.Arrays.fill(config, 2, config.length, (byte) 0);
    ByteBuffer u = ByteBuffer.wrap(config, 8, 128).order(ByteOrder.LITTLE_ENDIAN).slice();
    u.order(ByteOrder.LITTLE_ENDIAN);
    switch (select) {
      case CFG_ID_NAME -> u.put(NAME.getBytes(StandardCharsets.US_ASCII));
      case CFG_ID_DEVIDS ->
          u.putShort((short) BUS_VIRTUAL)
              .putShort((short) 0)
              .putShort((short) 1)
              .putShort((short) 1);
      case CFG_EV_BITS -> {
        switch (subsel) {
          case EV_KEY -> {
            for (int k = 1; k <= MAX_KEY; k++) {
              config[8 + k / 8] |= (byte) (1 << (k % 8));
            }
            u.position((MAX_KEY + 1) / 8);
          }
          case EV_REP -> u.put((byte) 0);
          case EV_LED -> u.put((byte) 0x07); // num, caps and scroll lock
          default -> {}
        }
      }
      default -> {}
    }
    config[2] = (byte) u.position();
  }

  @Override
  public void key(int linuxKeyCode, boolean down) {
    if (linuxKeyCode < 1 || linuxKeyCode > MAX_KEY) {
      throw new IllegalArgumentException("no key with code " + linuxKeyCode);
    }
    synchronized (this) {
      if (count + 2 > PENDING) {
        LOG.log(System.Logger.Level.WARNING, "keyboard: the guest is not reading; key dropped");
        return;
      }
      push(EV_KEY << 16 | linuxKeyCode << 1 | (down ? 1 : 0));
      push(EV_SYN << 16);
    }
    wake.run();
  }

  private void push(int e) {
    pending[(head + count) % PENDING] = e;
    count++;
  }

  private synchronized int peek() {
    return count == 0 ? -1 : pending[head];
  }

  private synchronized void drop() {
    head = (head + 1) % PENDING;
    count--;
  }

  @Override
  synchronized void reset() {
    head = count = 0;
  }

  @Override
  void notify(int queue) {
    if (queue == STATUSQ) {
      Virtqueue q = transport.queue(STATUSQ);
      Chain c;
      while ((c = q.take()) != null) {
        q.put(c, 0); // LED state: nothing on the host shows it
        transport.usedBuffers(q);
      }
    } else {
      pump();
    }
  }

  @Override
  void pump() {
    Virtqueue q = transport.queue(EVENTQ);
    int e;
    boolean any = false;
    while ((e = peek()) >= 0 && q.hasAvailable()) {
      ByteBuffer b = ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort((short) (e >>> 16)).putShort((short) ((e >>> 1) & 0x7fff)).putInt(e & 1);
      Chain c = q.take();
      q.put(c, c.write(0, event, 0, event.length));
      drop();
      any = true;
    }
    if (any) {
      transport.usedBuffers(q);
    }
  }
}
