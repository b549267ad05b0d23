package dev.berth.core.virtio;

import dev.berth.core.bus.Device;
import dev.berth.core.bus.Ram;
import dev.berth.core.dev.Plic;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2), at one slot of the board. A slot
 * without a device answers with device ID 0, which drivers skip, as QEMU's empty slots do. The
 * interrupt is level-triggered: asserted while InterruptStatus is not zero.
 */
public final class VirtioMmio implements Device, Saveable {
  private static final System.Logger LOG = System.getLogger(VirtioMmio.class.getName());

  public static final long SIZE = 0x1000;
  static final int MAGIC = 0x74726976; // "virt"
  static final int VENDOR = 0x48545242; // "BRTH"
  static final long F_INDIRECT_DESC = 1L << 28;
  static final long F_VERSION_1 = 1L << 32;
  static final int STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8, STATUS_NEEDS_RESET = 0x40;
  static final int INT_USED = 1, INT_CONFIG = 2;
  private static final int MAGIC_VALUE = 0x000, VERSION = 0x004, DEVICE_ID = 0x008;
  private static final int VENDOR_ID = 0x00c, DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014;
  private static final int DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024;
  private static final int QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038;
  private static final int QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050;
  private static final int INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070;
  private static final int QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084;
  private static final int QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094;
  private static final int QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4;
  private static final int CONFIG_GENERATION = 0x0fc, CONFIG = 0x100;

  private final Plic plic;
  private final int irq;
  private final VirtioDevice device;
  private final Virtqueue[] queues;
  private final long offered;
  private long driverFeatures;
  private int deviceFeaturesSel, driverFeaturesSel, queueSel;
  private int status;
  private int interruptStatus;
  private int configGeneration;

  /** A slot holding {@code device}, or an empty slot if it is null. */
  public VirtioMmio(Ram ram, Plic plic, int irq, VirtioDevice device) {
    this.plic = plic;
    this.irq = irq;
    this.device = device;
    int[] sizes = device == null ? new int[0] : device.queueSizes();
    this.queues = new Virtqueue[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      queues[i] = new Virtqueue(ram, sizes[i]);
    }
    this.offered = device == null ? 0 : device.features() | F_VERSION_1 | F_INDIRECT_DESC;
    if (device != null) {
      device.transport = this;
    }
  }

  // ---- what the device uses ---------------------------------------------------------------

  Virtqueue queue(int i) {
    return queues[i];
  }

  /** The driver accepted {@code feature} (one bit). */
  boolean negotiated(long feature) {
    return (driverFeatures & feature) != 0;
  }

  /** True once the driver set DRIVER_OK, until a reset or a broken ring. */
  boolean isLive() {
    return (status & (STATUS_DRIVER_OK | STATUS_NEEDS_RESET)) == STATUS_DRIVER_OK;
  }

  /** Used buffers were returned on {@code q}: interrupt unless the driver asked not to be. */
  void usedBuffers(Virtqueue q) {
    if (q.wantsInterrupt()) {
      raise(INT_USED);
    }
  }

  private void raise(int bits) {
    interruptStatus |= bits;
    plic.setLevel(irq, true);
  }

  /** Host input waiting for the guest: delivered between slices while the driver runs. */
  public void pump() {
    if (isLive()) {
      try {
        device.pump();
      } catch (BadRingException e) {
        broken(e);
      }
    }
  }

  public void close() {
    if (device != null) {
      device.close();
    }
  }

  private void broken(BadRingException e) {
    LOG.log(
        System.Logger.Level.WARNING,
        "virtio device {0} (IRQ {1}): {2}; it needs a reset",
        device.deviceId(),
        irq,
        e.getMessage());
    status |= STATUS_NEEDS_RESET;
    configGeneration++;
    raise(INT_CONFIG);
  }

  // ---- the driver's registers ---------------------------------------------------------------

  @Override
  public void reset() {
    status = 0;
    driverFeatures = 0;
    deviceFeaturesSel = driverFeaturesSel = queueSel = 0;
    interruptStatus = 0;
    for (Virtqueue q : queues) {
      q.reset();
    }
    if (device != null) {
      device.reset();
    }
    plic.setLevel(irq, false);
  }

  private Virtqueue selected() {
    return queueSel < queues.length ? queues[queueSel] : null;
  }

  @Override
  public long read(long offset, int size) {
    if (offset >= CONFIG) {
      return device == null ? 0 : configRead((int) offset - CONFIG, size);
    }
    if (size != 4) {
      return 0;
    }
    Virtqueue q = selected();
    return switch ((int) offset) {
      case MAGIC_VALUE -> MAGIC;
      case VERSION -> 2;
      case DEVICE_ID -> device == null ? 0 : device.deviceId();
      case VENDOR_ID -> VENDOR;
      case DEVICE_FEATURES -> deviceFeaturesSel > 1 ? 0 : offered >>> (32 * deviceFeaturesSel);
      case QUEUE_NUM_MAX -> q == null ? 0 : q.maxSize();
      case QUEUE_READY -> q != null && q.isReady() ? 1 : 0;
      case INTERRUPT_STATUS -> interruptStatus;
      case STATUS -> status;
      case CONFIG_GENERATION -> configGeneration;
      default -> 0;
    };
  }

  private long configRead(int offset, int size) {
    byte[] config = device.config;
    return offset + size <= config.length ? Ram.read(config, offset, size) : 0;
  }

  @Override
  public void write(long offset, int size, long value) {
    if (device == null) {
      return;
    }
    if (offset >= CONFIG) {
      device.writeConfig((int) offset - CONFIG, size, value);
      return;
    }
    if (size != 4) {
      return;
    }
    int v = (int) value;
    Virtqueue q = selected();
    switch ((int) offset) {
      case DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
      case DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
      case DRIVER_FEATURES -> setDriverFeatures(v);
      case QUEUE_SEL -> queueSel = v;
      case QUEUE_NUM -> {
        if (q != null && !q.ready) {
          q.size = v;
        }
      }
      case QUEUE_READY -> {
        if (q != null && (v & 1) == 1 && !q.ready) {
          try {
            q.enable();
          } catch (BadRingException e) {
            broken(e);
          }
        } else if (q != null && v == 0) {
          q.ready = false;
        }
      }
      case QUEUE_DESC_LOW, QUEUE_DESC_HIGH -> {
        if (q != null && !q.ready) {
          q.desc = half(q.desc, offset == QUEUE_DESC_HIGH, v);
        }
      }
      case QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH -> {
        if (q != null && !q.ready) {
          q.driver = half(q.driver, offset == QUEUE_DRIVER_HIGH, v);
        }
      }
      case QUEUE_DEVICE_LOW, QUEUE_DEVICE_HIGH -> {
        if (q != null && !q.ready) {
          q.device = half(q.device, offset == QUEUE_DEVICE_HIGH, v);
        }
      }
      case QUEUE_NOTIFY -> notifyQueue(v);
      case INTERRUPT_ACK -> {
        interruptStatus &= ~v;
        plic.setLevel(irq, interruptStatus != 0);
      }
      case STATUS -> setStatus(v & 0xff);
      default -> {}
    }
  }

  private static long half(long old, boolean high, int v) {
    return high ? (old & 0xffffffffL) | (long) v << 32 : (old & ~0xffffffffL) | (v & 0xffffffffL);
  }

  private void setDriverFeatures(int v) {
    if (driverFeaturesSel <= 1) {
      int shift = 32 * driverFeaturesSel;
      driverFeatures = (driverFeatures & ~(0xffffffffL << shift)) | (v & 0xffffffffL) << shift;
    }
  }

  private void setStatus(int v) {
    if (v == 0) {
      reset();
      return;
    }
    if ((v & STATUS_FEATURES_OK) != 0 && (status & STATUS_FEATURES_OK) == 0) {
      boolean acceptable = (driverFeatures & ~offered) == 0 && negotiated(F_VERSION_1);
      if (!acceptable) {
        LOG.log(
            System.Logger.Level.WARNING,
            "virtio device {0}: driver features 0x{1} refused (offered 0x{2})",
            device.deviceId(),
            Long.toHexString(driverFeatures),
            Long.toHexString(offered));
        v &= ~STATUS_FEATURES_OK;
      }
    }
    status = v | (status & STATUS_NEEDS_RESET);
  }

  private void notifyQueue(int index) {
    if (index >= 0
        && index < queues.length
        && queues[index].ready
        && (status & STATUS_NEEDS_RESET) == 0) {
      try {
        device.notify(index);
      } catch (BadRingException e) {
        broken(e);
      }
    }
  }

  @Override
  public void save(StateOut out) {
    out.begin("virtio-mmio").i32(device == null ? 0 : device.deviceId());
    out.i64(driverFeatures).i32(deviceFeaturesSel).i32(driverFeaturesSel).i32(queueSel);
    out.i32(status).i32(interruptStatus).i32(configGeneration);
    for (Virtqueue q : queues) {
      q.save(out);
    }
    if (device != null) {
      device.save(out);
    }
  }

  @Override
  public void restore(StateIn in) throws StateException {
    int id = in.begin("virtio-mmio").i32();
    if (id != (device == null ? 0 : device.deviceId())) {
      throw new StateException(
          "the saved state does not fit this machine (virtio device "
              + id
              + " in IRQ "
              + irq
              + ")");
    }
    driverFeatures = in.i64();
    deviceFeaturesSel = in.i32();
    driverFeaturesSel = in.i32();
    queueSel = in.i32(0, Math.max(0, queues.length - 1));
    status = in.i32();
    interruptStatus = in.i32();
    configGeneration = in.i32();
    for (Virtqueue q : queues) {
      q.restore(in);
    }
    if (device != null) {
      device.restore(in);
    }
  }
}
