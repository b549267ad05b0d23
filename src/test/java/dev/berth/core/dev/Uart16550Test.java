package dev.berth.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The register behaviour Linux's 8250 driver relies on. */
class Uart16550Test {
  private static final int THR = 0, RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5;

  private final DeviceFixture f = new DeviceFixture();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final HostInput input = new HostInput(64, () -> {});
  private final Uart16550 uart = new Uart16550(f.plic, 10, input, out::write);

  Uart16550Test() {
    f.route(10);
  }

  private int read(int reg) {
    return (int) uart.read(reg, 1);
  }

  private void write(int reg, int value) {
    uart.write(reg, 1, value);
  }

  @Test
  void transmitsAtOnceAndReportsTheTransmitterEmpty() {
    for (byte b : "ok\n".getBytes(StandardCharsets.US_ASCII)) {
      write(THR, b);
    }
    uart.flushOutput();
    assertEquals("ok\n", out.toString(StandardCharsets.US_ASCII));
    assertEquals(0x60, read(LSR) & 0x60, "THRE and TEMT");
  }

  @Test
  void thrEmptyInterruptIsRaisedByIerAndAcknowledgedByReadingIir() {
    assertEquals(0x01, read(IIR), "no interrupt pending");
    write(IER, 0x02);
    assertTrue(f.machineExternalPending());
    assertEquals(0x02, read(IIR) & 0x0f, "THRI identified");
    assertFalse(f.machineExternalPending(), "reading IIR acknowledged it");
    write(THR, 'x');
    assertTrue(f.machineExternalPending(), "the byte left: THR empty again");
  }

  @Test
  void receivedDataInterruptTakesPriorityOverThrEmpty() {
    write(FCR, 0x07);
    write(IER, 0x03);
    byte[] typed = "hi".getBytes(StandardCharsets.US_ASCII);
    input.offer(typed, 0, typed.length);
    uart.pumpInput();
    assertEquals(0xc4, read(IIR), "FIFO enabled, received data available");
    assertEquals(1, read(LSR) & 1);
    assertEquals('h', read(RBR));
    assertEquals('i', read(RBR));
    assertEquals(0, read(LSR) & 1, "FIFO empty");
    assertEquals(0xc2, read(IIR), "then the pending THR-empty interrupt");
  }

  @Test
  void fifoTakesSixteenBytesAndTheRestWaitsOnTheHost() {
    write(FCR, 0x01);
    byte[] many = new byte[40];
    java.util.Arrays.fill(many, (byte) 'a');
    input.offer(many, 0, many.length);
    uart.pumpInput();
    int got = 0;
    while ((read(LSR) & 1) != 0) {
      read(RBR);
      got++;
    }
    assertEquals(40, got, "reading the FIFO refills it from the host queue, nothing is lost");
    assertEquals(0, read(LSR) & 2, "no overrun");
  }

  @Test
  void divisorLatchAndScratchHoldWhatIsWritten() {
    write(LCR, 0x83);
    write(0, 0x01);
    write(1, 0x00);
    assertEquals(0x01, read(0));
    write(LCR, 0x03);
    write(7, 0x5a);
    assertEquals(0x5a, read(7));
    assertEquals(0x03, read(LCR));
  }

  @Test
  void loopbackEchoesTransmittedBytes() {
    write(MCR, 0x10);
    write(THR, 'L');
    assertEquals(1, read(LSR) & 1);
    assertEquals('L', read(RBR));
    uart.flushOutput();
    assertEquals(0, out.size(), "loopback keeps bytes off the line");
  }
}
