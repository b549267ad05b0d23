package dev.berth.core.dev;

import dev.berth.core.bus.Device;
import dev.berth.core.state.Saveable;
import dev.berth.core.state.StateException;
import dev.berth.core.state.StateIn;
import dev.berth.core.state.StateOut;

/**
 * An NS16550A UART as QEMU models it and Linux's 8250 driver expects: transmission is instantaneous
 * (output is batched and handed to a {@link SerialSink} between slices), input comes from {@link
 * HostInput} through a 16-byte receive FIFO, and the interrupt line follows IER, LSR and the
 * THR-empty latch.
 */
public final class Uart16550 implements Device, Saveable {
  public static final long SIZE = 0x100;

  // Modem-status interrupts never fire: the modem lines never change.
  private static final int IER_RDI = 1, IER_THRI = 2, IER_RLSI = 4;
  private static final int IIR_NO_INT = 1, IIR_THRI = 2, IIR_RDI = 4, IIR_RLSI = 6;
  private static final int IIR_FIFO_ENABLED = 0xc0;
  private static final int LSR_DR = 1, LSR_OE = 2, LSR_THRE = 0x20, LSR_TEMT = 0x40;
  private static final int LCR_DLAB = 0x80;
  private static final int MCR_LOOP = 0x10;
  private static final int MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_DCD = 0x80;
  private static final int FIFO_SIZE = 16;

  private final Plic plic;
  private final int irq;
  private final HostInput input;
  private final byte[] out = new byte[8192];
  private int outLen;
  private final SerialSink sink;

  private final byte[] rx = new byte[FIFO_SIZE];
  private int rxHead;
  private int rxCount;
  private int ier, iir = IIR_NO_INT, lcr, mcr, lsr = LSR_THRE | LSR_TEMT, scr, fcr;
  private int dll = 0x0c, dlm;
  private boolean thrPending;

  public Uart16550(Plic plic, int irq, HostInput input, SerialSink sink) {
    this.plic = plic;
    this.irq = irq;
    this.input = input;
    this.sink = sink;
  }

  @Override
  public void reset() {
    ier = lcr = mcr = scr = fcr = dlm = 0;
    dll = 0x0c;
    lsr = LSR_THRE | LSR_TEMT;
    iir = IIR_NO_INT;
    rxHead = rxCount = 0;
    thrPending = false;
    update();
  }

  private int fifoCapacity() {
    return (fcr & 1) != 0 ? FIFO_SIZE : 1;
  }

  /** Moves waiting host input into the receive FIFO; the machine calls it between slices. */
  public void pumpInput() {
    boolean moved = false;
    while (rxCount < fifoCapacity() && (mcr & MCR_LOOP) == 0) {
      int b = input.poll();
      if (b < 0) {
        break;
      }
      pushRx(b);
      moved = true;
    }
    if (moved) {
      update();
    }
  }

  private void pushRx(int b) {
    if (rxCount == fifoCapacity()) {
      lsr |= LSR_OE;
      return;
    }
    rx[(rxHead + rxCount) % FIFO_SIZE] = (byte) b;
    rxCount++;
    lsr |= LSR_DR;
  }

  /** Hands buffered output to the sink; the machine calls it between slices. */
  public void flushOutput() {
    if (outLen > 0) {
      sink.write(out, 0, outLen);
      outLen = 0;
    }
  }

  private void transmit(int b) {
    if ((mcr & MCR_LOOP) != 0) {
      pushRx(b);
      return;
    }
    if (outLen == out.length) {
      flushOutput();
    }
    out[outLen++] = (byte) b;
  }

  @Override
  public long read(long offset, int size) {
    int v =
        switch ((int) offset) {
          case 0 -> (lcr & LCR_DLAB) != 0 ? dll : readRbr();
          case 1 -> (lcr & LCR_DLAB) != 0 ? dlm : ier;
          case 2 -> readIir();
          case 3 -> lcr;
          case 4 -> mcr;
          case 5 -> readLsr();
          case 6 -> msr();
          case 7 -> scr;
          default -> 0;
        };
    return v & 0xff;
  }

  private int readRbr() {
    int v = 0;
    if (rxCount > 0) {
      v = rx[rxHead] & 0xff;
      rxHead = (rxHead + 1) % FIFO_SIZE;
      rxCount--;
    }
    if (rxCount == 0) {
      lsr &= ~LSR_DR;
      pumpInput();
    }
    update();
    return v;
  }

  private int readIir() {
    int v = iir | ((fcr & 1) != 0 ? IIR_FIFO_ENABLED : 0);
    if ((iir & 0xf) == IIR_THRI) {
      thrPending = false; // reading IIR acknowledges the THR-empty interrupt
      update();
    }
    return v;
  }

  private int readLsr() {
    int v = lsr;
    lsr &= ~LSR_OE;
    update();
    return v;
  }

  private int msr() {
    if ((mcr & MCR_LOOP) == 0) {
      return MSR_DCD | MSR_DSR | MSR_CTS;
    }
    // Loopback: DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD.
    return (mcr & 1) << 5 | (mcr & 2) << 3 | (mcr & 4) << 4 | (mcr & 8) << 4;
  }

  @Override
  public void write(long offset, int size, long value) {
    int v = (int) value & 0xff;
    switch ((int) offset) {
      case 0 -> {
        if ((lcr & LCR_DLAB) != 0) {
          dll = v;
        } else {
          transmit(v);
          thrPending = true; // the byte left at once: THR is empty again
          update();
        }
      }
      case 1 -> {
        if ((lcr & LCR_DLAB) != 0) {
          dlm = v;
        } else {
          boolean thriTurnedOn = (v & IER_THRI) != 0 && (ier & IER_THRI) == 0;
          ier = v & 0x0f;
          if (thriTurnedOn) {
            thrPending = true;
          }
          update();
        }
      }
      case 2 -> writeFcr(v);
      case 3 -> lcr = v;
      case 4 -> {
        mcr = v & 0x1f;
        pumpInput();
      }
      case 7 -> scr = v;
      default -> {}
    }
  }

  private void writeFcr(int v) {
    if ((v & 1) != (fcr & 1)) {
      rxHead = rxCount = 0; // changing FIFO mode empties the FIFOs
    }
    if ((v & 2) != 0) {
      rxHead = rxCount = 0;
    }
    fcr = v & 0xc9;
    if (rxCount == 0) {
      lsr &= ~LSR_DR;
      pumpInput();
    }
    update();
  }

  private void update() {
    int id = IIR_NO_INT;
    if ((ier & IER_RLSI) != 0 && (lsr & LSR_OE) != 0) {
      id = IIR_RLSI;
    } else if ((ier & IER_RDI) != 0 && (lsr & LSR_DR) != 0) {
      id = IIR_RDI;
    } else if ((ier & IER_THRI) != 0 && thrPending) {
      id = IIR_THRI;
    }
    iir = id;
    plic.setLevel(irq, id != IIR_NO_INT);
  }

  /** Output is flushed before a save, so only the registers and the receive FIFO are state. */
  @Override
  public void save(StateOut out) {
    flushOutput();
    out.begin("uart").bytes(rx).i32(rxHead).i32(rxCount);
    out.ints(new int[] {ier, iir, lcr, mcr, lsr, scr, fcr, dll, dlm}).bool(thrPending);
  }

  @Override
  public void restore(StateIn in) throws StateException {
    in.begin("uart").bytes(rx);
    rxHead = in.i32(0, FIFO_SIZE - 1);
    rxCount = in.i32(0, FIFO_SIZE);
    int[] r = new int[9];
    in.ints(r);
    ier = r[0];
    iir = r[1];
    lcr = r[2];
    mcr = r[3];
    lsr = r[4];
    scr = r[5];
    fcr = r[6];
    dll = r[7];
    dlm = r[8];
    thrPending = in.bool();
  }
}
