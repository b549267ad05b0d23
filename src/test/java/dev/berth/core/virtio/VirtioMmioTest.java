package dev.berth.core.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.virtio.TestDriver.Buf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The virtio-mmio transport and split virtqueues, driven as Linux drives them (blk behind it). */
class VirtioMmioTest {
  @TempDir Path tmp;
  private VirtioBlk blk;
  private TestDriver d;
  private BlkRequests r;

  @BeforeEach
  void setUp() throws IOException {
    Path image = tmp.resolve("disk.img");
    Files.write(image, new byte[8 * 512]);
    blk = VirtioBlk.open(image, false);
    d = new TestDriver(blk);
    r = new BlkRequests(d);
  }

  @AfterEach
  void close() {
    blk.close();
  }

  @Test
  void identifiesAsVersion2() {
    assertEquals(0x74726976, d.reg(0x000));
    assertEquals(2, d.reg(0x004));
    assertEquals(2, d.reg(0x008));
    assertEquals(VirtioMmio.VENDOR, d.reg(0x00c));
    TestDriver empty = new TestDriver(null);
    assertEquals(0x74726976, empty.reg(0x000));
    assertEquals(0, empty.reg(0x008), "an empty slot has device ID 0");
  }

  @Test
  void featuresOkNeedsVersion1AndNothingUnoffered() {
    long offered = d.features();
    assertTrue((offered & VirtioMmio.F_VERSION_1) != 0);
    assertTrue((offered & VirtioMmio.F_INDIRECT_DESC) != 0);
    assertFalse(d.negotiate(offered & ~VirtioMmio.F_VERSION_1), "a legacy driver is refused");
    assertFalse(d.negotiate(offered | 1L << 40), "an unoffered feature is refused");
    assertTrue(d.negotiate(offered));
  }

  @Test
  void queueRegistersAndResetOnStatusZero() {
    d.start(d.features(), 8);
    d.reg(0x30, 0);
    assertEquals(256, d.reg(0x34));
    assertEquals(1, d.reg(0x44));
    d.reg(0x30, 1);
    assertEquals(0, d.reg(0x34), "no second queue");
    d.reg(0x70, 0);
    assertEquals(0, d.status());
    d.reg(0x30, 0);
    assertEquals(0, d.reg(0x44), "reset disabled the queue");
  }

  @Test
  void interruptIsALevelUntilAcknowledged() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    q.post(r.header(VirtioBlk.T_FLUSH, 0), r.status());
    q.kick();
    assertEquals(VirtioMmio.INT_USED, d.reg(0x060));
    assertTrue(d.interrupting());
    d.reg(0x064, VirtioMmio.INT_USED);
    assertEquals(0, d.reg(0x060));
    assertFalse(d.interrupting());
    q.suppressInterrupts(true);
    q.post(r.header(VirtioBlk.T_FLUSH, 0), r.status());
    q.kick();
    assertEquals(1, q.takeUsed().size() - 1, "both requests were served");
    assertFalse(d.interrupting(), "VIRTQ_AVAIL_F_NO_INTERRUPT is honoured");
  }

  @Test
  void manyChainsWrapAroundTheRings() {
    d.start(d.features(), 4);
    var q = d.queue(0);
    Buf header = r.header(99, 0); // unsupported: answered at once, no I/O
    Buf status = r.status();
    for (int i = 0; i < 70_000; i++) { // past the 16-bit ring indices
      q.post(header, status);
      if (i % 2 == 1) {
        q.kick();
        assertEquals(2, q.takeUsed().size());
      }
    }
    assertEquals(VirtioBlk.S_UNSUPP, r.statusByte());
  }

  private void assertNeedsReset(String why) {
    assertTrue((d.status() & VirtioMmio.STATUS_NEEDS_RESET) != 0, why + ": DEVICE_NEEDS_RESET");
    assertTrue((d.reg(0x060) & VirtioMmio.INT_CONFIG) != 0, why + ": config interrupt");
  }

  private void assertRecoversAfterReset() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    q.post(r.header(VirtioBlk.T_FLUSH, 0), r.status());
    q.kick();
    assertEquals(1, q.takeUsed().size());
    assertEquals(VirtioBlk.S_OK, r.statusByte());
  }

  @Test
  void aDescriptorLoopMarksTheDeviceBroken() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    q.descriptor(0, d.alloc(16, 8), 16, 1, 1);
    q.descriptor(1, d.alloc(16, 8), 16, 1, 0);
    q.publish(0);
    q.kick();
    assertNeedsReset("loop");
    assertEquals(0, q.takeUsed().size());
    q.kick(); // ignored while broken
    assertRecoversAfterReset();
  }

  @Test
  void aBufferOutsideRamMarksTheDeviceBroken() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    q.post(Buf.out(0x1000_0000L, 16), r.status());
    q.kick();
    assertNeedsReset("buffer outside RAM");
    assertRecoversAfterReset();
  }

  @Test
  void aBufferRunningOffTheEndOfRamMarksTheDeviceBroken() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    q.post(
        r.header(VirtioBlk.T_IN, 0), Buf.in(TestDriver.RAM_BASE + (1 << 20) - 8, 512), r.status());
    q.kick();
    assertNeedsReset("buffer past the end of RAM");
  }

  @Test
  void nestedIndirectTablesAndBadIndicesAreRefused() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    long inner = d.alloc(16, 16);
    long outer = d.alloc(16, 16);
    d.write(outer, 8, inner);
    d.write(outer + 8, 4, 16);
    d.write(outer + 12, 2, 4); // INDIRECT inside an indirect table
    q.descriptor(0, outer, 16, 4, 0);
    q.publish(0);
    q.kick();
    assertNeedsReset("nested indirect");
    d.start(d.features(), 8);
    q = d.queue(0);
    q.descriptor(0, d.alloc(16, 8), 16, 1, 200); // next index past the table
    q.publish(0);
    q.kick();
    assertNeedsReset("index out of range");
  }

  @Test
  void ringsOutsideRamAreRefusedAtQueueReady() {
    d.negotiate(d.features());
    d.reg(0x30, 0);
    d.reg(0x38, 8);
    d.reg(0x80, 0x1000);
    d.reg(0x44, 1);
    assertEquals(0, d.reg(0x44));
    assertNeedsReset("descriptor table outside RAM");
  }

  @Test
  void writableBeforeReadableIsRefused() {
    d.start(d.features(), 8);
    var q = d.queue(0);
    q.post(r.status(), r.header(VirtioBlk.T_FLUSH, 0));
    q.kick();
    assertNeedsReset("readable after writable");
  }
}
