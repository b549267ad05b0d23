package dev.berth.core.virtio;

import dev.berth.core.dev.HostInput;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A virtio console (ID 3) with {@code VIRTIO_CONSOLE_F_MULTIPORT}, as QEMU's {@code
 * virtio-serial-device} with one {@code virtserialport}: port 0 is reserved for a console and left
 * out, port 1 is the named port whose host end is a {@link HostPort}. The control queues carry
 * Linux's handshake: DEVICE_READY → PORT_ADD; PORT_READY → PORT_NAME and, if the host is connected,
 * PORT_OPEN; later PORT_OPEN both ways as either side opens or closes.
 */
public final class VirtioConsole extends VirtioDevice {
  static final long F_MULTIPORT = 1L << 1;
  static final int DEVICE_READY = 0, PORT_ADD = 1, PORT_READY = 3, PORT_OPEN = 6, PORT_NAME = 7;
  static final int PORT = 1, MAX_PORTS = 2;
  static final int CONTROL_RX = 2, CONTROL_TX = 3, PORT_RX = 2 + 2 * PORT, PORT_TX = 3 + 2 * PORT;
  private static final int QUEUE_SIZE = 128;

  private final HostPort port;
  private final byte[] scratch = new byte[4096];
  private final ArrayDeque<byte[]> control = new ArrayDeque<>();
  private boolean portReady;
  private boolean announcedHost;

  public VirtioConsole(String portName, Runnable wake) {
    super(3, F_MULTIPORT, 12, queues());
    this.port = new HostPort(portName, 1 << 16, wake);
    ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN).putInt(4, MAX_PORTS);
  }

  /** Receive and transmit queues for each port, and the two control queues after port 0. */
  private static int[] queues() {
    int[] sizes = new int[2 + 2 * MAX_PORTS];
    java.util.Arrays.fill(sizes, QUEUE_SIZE);
    return sizes;
  }

  public HostPort port() {
    return port;
  }

  @Override
  void reset() {
    control.clear();
    portReady = announcedHost = false;
    port.setGuestReady(false);
    port.toGuest().clear();
    port.setGuestOpen(false);
  }

  @Override
  void notify(int queue) {
    switch (queue) {
      case CONTROL_TX -> fromDriver(transport.queue(CONTROL_TX));
      case PORT_TX -> fromGuest(transport.queue(PORT_TX));
      default -> {} // new receive buffers: filled below
    }
    pump();
  }

  @Override
  void pump() {
    boolean host = port.isHostConnected();
    if (portReady && host != announcedHost) {
      announcedHost = host;
      send(PORT_OPEN, host ? 1 : 0, null);
    }
    deliverControl();
    if (port.isGuestOpen()) {
      deliverData();
    }
  }

  private void fromDriver(Virtqueue q) {
    byte[] msg = new byte[8];
    Chain c;
    while ((c = q.take()) != null) {
      if (c.read(0, msg, 0, 8) == 8) {
        ByteBuffer m = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
        handle(m.getInt(0), m.getShort(4) & 0xffff, m.getShort(6) & 0xffff);
      }
      q.put(c, 0);
      transport.usedBuffers(q);
    }
  }

  private void handle(int id, int event, int value) {
    switch (event) {
      case DEVICE_READY -> {
        if (value == 1) {
          send(PORT_ADD, 1, null);
        }
      }
      case PORT_READY -> {
        if (id == PORT && value == 1) {
          portReady = true;
          port.setGuestReady(true);
          send(PORT_NAME, 1, port.name());
          announcedHost = port.isHostConnected();
          if (announcedHost) {
            send(PORT_OPEN, 1, null);
          }
        }
      }
      case PORT_OPEN -> {
        if (id == PORT) {
          port.setGuestOpen(value == 1);
        }
      }
      default -> {} // console-port and resize messages concern port 0, which is not there
    }
  }

  /** Queues a control message about {@link #PORT} for the driver. */
  private void send(int event, int value, String name) {
    byte[] text = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer m = ByteBuffer.allocate(8 + text.length).order(ByteOrder.LITTLE_ENDIAN);
    m.putInt(PORT).putShort((short) event).putShort((short) value).put(text);
    control.add(m.array());
  }

  private void deliverControl() {
    Virtqueue q = transport.queue(CONTROL_RX);
    boolean any = false;
    while (!control.isEmpty() && q.hasAvailable()) {
      byte[] msg = control.poll();
      Chain c = q.take();
      q.put(c, c.write(0, msg, 0, msg.length));
      any = true;
    }
    if (any) {
      transport.usedBuffers(q);
    }
  }

  private void fromGuest(Virtqueue q) {
    HostPort.Listener l = port.listener();
    Chain c;
    while ((c = q.take()) != null) {
      for (long pos = 0; pos < c.readableBytes(); ) {
        int n = c.read(pos, scratch, 0, scratch.length);
        if (l != null) {
          l.fromGuest(scratch, 0, n); // with no host connected the bytes are dropped, as QEMU does
        }
        pos += n;
      }
      q.put(c, 0);
      transport.usedBuffers(q);
    }
  }

  private void deliverData() {
    Virtqueue q = transport.queue(PORT_RX);
    HostInput in = port.toGuest();
    boolean any = false;
    while (!in.isEmpty() && q.hasAvailable()) {
      Chain c = q.take();
      int room = (int) Math.min(c.writableBytes(), scratch.length);
      int n = in.poll(scratch, 0, room);
      q.put(c, c.write(0, scratch, 0, n));
      any = true;
    }
    if (any) {
      transport.usedBuffers(q);
    }
  }

  /** What the driver set up: the port's state and the control messages it has not taken yet. */
  @Override
  void save(StateOut out) {
    super.save(out);
    out.bool(portReady).bool(announcedHost).bool(port.isGuestOpen()).i32(control.size());
    for (byte[] m : control) {
      out.bytes(m);
    }
  }

  @Override
  void restore(StateIn in) throws StateException {
    super.restore(in);
    portReady = in.bool();
    announcedHost = in.bool();
    boolean open = in.bool();
    control.clear();
    for (int n = in.i32(0, 64); n > 0; n--) {
      control.add(in.bytes(8 + 256));
    }
    port.setGuestReady(portReady);
    port.setGuestOpen(open);
  }
}
