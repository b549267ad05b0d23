package dev.berth.core.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.virtio.TestDriver.Buf;
import dev.berth.core.virtio.TestDriver.Used;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtioBlkTest {
  private static final int SECTORS = 64;

  @TempDir Path tmp;
  private Path image;
  private VirtioBlk blk;
  private TestDriver d;
  private BlkRequests r;

  private void attach(boolean readOnly) throws IOException {
    image = tmp.resolve("disk.img");
    if (!Files.exists(image)) {
      byte[] content = new byte[SECTORS * 512];
      for (int i = 0; i < content.length; i++) {
        content[i] = (byte) (i / 512 + i);
      }
      Files.write(image, content);
    }
    blk = VirtioBlk.open(image, readOnly);
    d = new TestDriver(blk);
    r = new BlkRequests(d);
    d.start(d.features(), 16);
  }

  @AfterEach
  void close() {
    if (blk != null) {
      blk.close();
    }
  }

  private Used only(List<Used> used) {
    assertEquals(1, used.size(), "one request completed");
    return used.get(0);
  }

  @Test
  void advertisesCapacityAndFlush() throws IOException {
    attach(false);
    assertEquals(2, d.reg(0x008));
    assertEquals(SECTORS, d.mmio.read(0x100, 8));
    long f = d.features();
    assertTrue((f & VirtioBlk.F_FLUSH) != 0);
    assertEquals(0, f & VirtioBlk.F_RO);
  }

  @Test
  void readsSectorsFromTheImage() throws IOException {
    attach(false);
    long data = d.alloc(1024, 8);
    var q = d.queue(0);
    q.post(r.header(VirtioBlk.T_IN, 3), Buf.in(data, 1024), r.status());
    q.kick();
    assertEquals(1025, only(q.takeUsed()).len());
    assertEquals(VirtioBlk.S_OK, r.statusByte());
    byte[] file = Files.readAllBytes(image);
    assertArrayEquals(Arrays.copyOfRange(file, 3 * 512, 5 * 512), d.get(data, 1024));
    assertTrue(d.interrupting(), "the used buffer raised the interrupt");
  }

  @Test
  void aCompletedWriteAndFlushAreInTheFile() throws IOException {
    attach(false);
    byte[] text = new byte[512];
    Arrays.fill(text, (byte) 'w');
    var q = d.queue(0);
    // split over two buffers, as a bio with two pages is
    long a = d.put(Arrays.copyOf(text, 100));
    long b = d.put(Arrays.copyOfRange(text, 100, 512));
    q.post(r.header(VirtioBlk.T_OUT, 10), Buf.out(a, 100), Buf.out(b, 412), r.status());
    q.kick();
    assertEquals(1, only(q.takeUsed()).len(), "a write answers with the status byte only");
    assertEquals(VirtioBlk.S_OK, r.statusByte());
    assertArrayEquals(text, Arrays.copyOfRange(Files.readAllBytes(image), 5120, 5632));
    q.post(r.header(VirtioBlk.T_FLUSH, 0), r.status());
    q.kick();
    only(q.takeUsed());
    assertEquals(VirtioBlk.S_OK, r.statusByte());
  }

  @Test
  void requestsPastTheEndFail() throws IOException {
    attach(false);
    var q = d.queue(0);
    long data = d.alloc(1024, 8);
    q.post(r.header(VirtioBlk.T_IN, SECTORS - 1), Buf.in(data, 1024), r.status());
    q.kick();
    assertEquals(1, only(q.takeUsed()).len());
    assertEquals(VirtioBlk.S_IOERR, r.statusByte());
    q.post(r.header(99, 0), r.status());
    q.kick();
    only(q.takeUsed());
    assertEquals(VirtioBlk.S_UNSUPP, r.statusByte());
  }

  @Test
  void aReadOnlyDiskRefusesWrites() throws IOException {
    attach(true);
    assertTrue((d.features() & VirtioBlk.F_RO) != 0);
    byte[] before = Files.readAllBytes(image);
    var q = d.queue(0);
    q.post(r.header(VirtioBlk.T_OUT, 0), Buf.out(d.put(new byte[512]), 512), r.status());
    q.kick();
    only(q.takeUsed());
    assertEquals(VirtioBlk.S_IOERR, r.statusByte());
    assertArrayEquals(before, Files.readAllBytes(image));
  }

  @Test
  void getIdAnswersTheImageName() throws IOException {
    attach(false);
    var q = d.queue(0);
    long id = d.alloc(20, 8);
    q.postIndirect(r.header(VirtioBlk.T_GET_ID, 0), Buf.in(id, 20), r.status());
    q.kick();
    assertEquals(9, only(q.takeUsed()).len());
    assertEquals("disk.img", new String(d.get(id, 8), StandardCharsets.UTF_8));
  }

  @Test
  void aMissingOrBusyImageIsOneReadableError() throws IOException {
    IOException missing =
        assertThrows(IOException.class, () -> VirtioBlk.open(tmp.resolve("none.img"), false));
    assertEquals(tmp.resolve("none.img") + ": no such disk image", missing.getMessage());
    attach(false);
    IOException busy = assertThrows(IOException.class, () -> VirtioBlk.open(image, false));
    assertTrue(busy.getMessage().endsWith("in use by another VM"), busy.getMessage());
  }
}
