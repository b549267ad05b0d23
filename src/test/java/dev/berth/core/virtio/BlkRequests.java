package dev.berth.core.virtio;

import dev.berth.core.virtio.TestDriver.Buf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds virtio-blk requests the way Linux's virtio_blk lays them out: header, data, status. */
final class BlkRequests {
  private final TestDriver driver;
  long status;

  BlkRequests(TestDriver driver) {
    this.driver = driver;
  }

  Buf header(int type, long sector) {
    byte[] h =
        ByteBuffer.allocate(16)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(type)
            .putInt(0)
            .putLong(sector)
            .array();
    return Buf.out(driver.put(h), 16);
  }

  Buf status() {
    status = driver.alloc(1, 1);
    driver.write(status, 1, 0xff);
    return Buf.in(status, 1);
  }

  int statusByte() {
    return driver.get(status, 1)[0] & 0xff;
  }
}
