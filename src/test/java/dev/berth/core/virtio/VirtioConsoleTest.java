package dev.berth.core.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.virtio.TestDriver.Buf;
import dev.berth.core.virtio.TestDriver.Used;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The multiport console's handshake and data path, driven as Linux's virtio_console does. */
class VirtioConsoleTest {
  private static final String NAME = "org.qemu.guest_agent.0";
  private final AtomicInteger wakes = new AtomicInteger();
  private final VirtioConsole console = new VirtioConsole(NAME, wakes::incrementAndGet);
  private final TestDriver d = new TestDriver(console);
  private final ByteArrayOutputStream fromGuest = new ByteArrayOutputStream();
  private final List<Boolean> guestOpen = new ArrayList<>();
  private final HostPort.Listener host =
      new HostPort.Listener() {
        @Override
        public void fromGuest(byte[] b, int off, int len) {
          fromGuest.write(b, off, len);
        }

        @Override
        public void guestOpen(boolean open) {
          guestOpen.add(open);
        }
      };
  private final List<long[]> controlBuffers = new ArrayList<>();

  /** A control message as the driver sees it: id, event, value and any name. */
  record Msg(int id, int event, int value, String name) {}

  @BeforeEach
  void probe() {
    assertEquals(3, d.reg(0x008));
    assertEquals(2, d.mmio.read(0x104, 4), "max_nr_ports");
    d.start(d.features(), 8);
    for (int i = 0; i < 8; i++) { // fill_queue(c_ivq)
      long buf = d.alloc(64, 8);
      controlBuffers.add(new long[] {buf, d.queue(VirtioConsole.CONTROL_RX).post(Buf.in(buf, 64))});
    }
    d.queue(VirtioConsole.CONTROL_RX).kick();
  }

  private void control(int id, int event, int value) {
    byte[] m =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(id)
            .putShort((short) event)
            .putShort((short) value)
            .array();
    var q = d.queue(VirtioConsole.CONTROL_TX);
    q.post(Buf.out(d.put(m), 8));
    q.kick();
    assertEquals(1, q.takeUsed().size(), "the control message was consumed at once");
  }

  private List<Msg> received() {
    List<Msg> out = new ArrayList<>();
    for (Used u : d.queue(VirtioConsole.CONTROL_RX).takeUsed()) {
      long buf = controlBuffers.stream().filter(b -> b[1] == u.head()).findFirst().get()[0];
      ByteBuffer m = ByteBuffer.wrap(d.get(buf, u.len())).order(ByteOrder.LITTLE_ENDIAN);
      String name = new String(d.get(buf + 8, u.len() - 8), StandardCharsets.UTF_8);
      out.add(new Msg(m.getInt(0), m.getShort(4), m.getShort(6), name));
    }
    return out;
  }

  private void handshake() {
    control(-1, VirtioConsole.DEVICE_READY, 1);
    assertEquals(List.of(new Msg(1, VirtioConsole.PORT_ADD, 1, "")), received());
    control(1, VirtioConsole.PORT_READY, 1);
  }

  @Test
  void linuxHandshakeNamesThePortAndReportsTheHostClosed() {
    handshake();
    assertEquals(List.of(new Msg(1, VirtioConsole.PORT_NAME, 1, NAME)), received());
    assertTrue(console.port().isGuestReady());
    assertFalse(console.port().isHostConnected());
  }

  @Test
  void hostConnectAndDisconnectReachTheGuestAsPortOpen() {
    handshake();
    received();
    console.port().connect(host);
    assertTrue(wakes.get() > 0, "connecting wakes the machine");
    d.mmio.pump();
    assertEquals(List.of(new Msg(1, VirtioConsole.PORT_OPEN, 1, "")), received());
    console.port().disconnect();
    d.mmio.pump();
    assertEquals(List.of(new Msg(1, VirtioConsole.PORT_OPEN, 0, "")), received());
  }

  @Test
  void aHostConnectedBeforePortReadyIsAnnouncedWithTheName() {
    console.port().connect(host);
    handshake();
    assertEquals(
        List.of(
            new Msg(1, VirtioConsole.PORT_NAME, 1, NAME),
            new Msg(1, VirtioConsole.PORT_OPEN, 1, "")),
        received());
  }

  @Test
  void bytesFlowBothWaysWhileBothSidesAreOpen() {
    console.port().connect(host);
    handshake();
    var rx = d.queue(VirtioConsole.PORT_RX);
    long rxBuf = d.alloc(16, 8);
    rx.post(Buf.in(rxBuf, 16));
    rx.kick();
    byte[] hello = "{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(hello.length, console.port().send(hello, 0, hello.length));
    d.mmio.pump();
    assertEquals(0, rx.takeUsed().size(), "held until the guest opens the port");

    control(1, VirtioConsole.PORT_OPEN, 1);
    assertEquals(List.of(true), guestOpen);
    assertTrue(console.port().isGuestOpen());
    List<Used> used = rx.takeUsed();
    assertEquals(List.of(new Used(used.get(0).head(), 16)), used, "the first 16 bytes");
    assertEquals("{\"execute\":\"gues", new String(d.get(rxBuf, 16), StandardCharsets.US_ASCII));
    rx.post(Buf.in(rxBuf, 64));
    rx.kick();
    assertEquals(hello.length - 16, rx.takeUsed().get(0).len(), "the rest in the next buffer");

    var tx = d.queue(VirtioConsole.PORT_TX);
    byte[] reply = "{\"return\": {}}\n".getBytes(StandardCharsets.US_ASCII);
    tx.post(Buf.out(d.put(reply), reply.length));
    tx.kick();
    assertEquals(1, tx.takeUsed().size());
    assertEquals("{\"return\": {}}\n", fromGuest.toString(StandardCharsets.US_ASCII));

    control(1, VirtioConsole.PORT_OPEN, 0);
    assertEquals(List.of(true, false), guestOpen);
  }

  @Test
  void aDeviceResetClosesTheGuestSide() {
    console.port().connect(host);
    handshake();
    control(1, VirtioConsole.PORT_OPEN, 1);
    d.reg(0x70, 0);
    assertFalse(console.port().isGuestReady());
    assertFalse(console.port().isGuestOpen());
    assertEquals(List.of(true, false), guestOpen);
  }
}
