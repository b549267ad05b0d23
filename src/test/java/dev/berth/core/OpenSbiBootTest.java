package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import dev.berth.event.MachineExit;
import dev.berth.event.ShutdownCause;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The firmware chain QEMU uses: Debian's OpenSBI (fw_jump, shipped with the Linux guest) boots in
 * M-mode on the bundled core with the board's device tree, hands over to an S-mode payload at
 * 0x8020_0000, serves its SBI calls, and powers the machine off through sifive_test.
 */
class OpenSbiBootTest {
  /** An S-mode payload: prints "OK" through the legacy SBI console, then SBI shutdown. */
  private static final int[] PAYLOAD = {
    0x00100893, // li a7, 1          (legacy console_putchar)
    0x04f00513, // li a0, 'O'
    0x00000073, // ecall
    0x04b00513, // li a0, 'K'
    0x00000073, // ecall
    0x00a00513, // li a0, '\n'
    0x00000073, // ecall
    0x00800893, // li a7, 8          (legacy shutdown)
    0x00000073, // ecall
    0x0000006f, // j .
  };

  @Test
  void openSbiBootsAndServesAnSModePayload() throws ImageException {
    ImageSource firmware =
        ImageSource.fromPath(Path.of("resources/guests/linux/images/fw_jump.bin"));
    ImageSource payload = new ImageSource("payload", TestElf.riscv(0x8020_0000L, PAYLOAD));
    MachineConfig config =
        new MachineConfig("opensbi", MachineConfig.DEFAULT_MEMORY, payload, null, "", firmware);
    try (GuestRun run = new GuestRun(config)) {
      run.machine.start();
      MachineExit exit = run.awaitExit();
      String console = run.console();
      assertTrue(console.contains("OpenSBI v1.1"), console);
      assertTrue(console.contains("Platform Name             : Berth RISC-V board"), console);
      assertTrue(console.contains("Domain0 Next Mode         : S-mode"), console);
      assertTrue(console.endsWith("OK\r\n"), console); // OpenSBI turns LF into CR LF
      assertEquals(MachineExit.Kind.SHUTDOWN, exit.kind(), exit.describe());
      assertEquals(ShutdownCause.GUEST_SHUTDOWN, exit.cause());
      assertEquals(List.of("SHUTDOWN"), run.eventNames());
    }
  }
}
