package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.event.MachineExit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every QEMU-compatible test program produces the same console output and exit status on the
 * bundled core as on {@code qemu-system-riscv64 -machine virt -bios none}: compared with the output
 * recorded from QEMU (resources/guests/bare/expected), and with a live QEMU run when QEMU is
 * installed (CI installs it).
 */
class DifferentialTest {
  private static final Path EXPECTED = Guests.DIR.resolve("expected");

  /** What a program reads on its console, for the few that read. */
  static String stdinFor(String program) {
    return program.equals("uart_echo") ? "abcq" : "";
  }

  @TestFactory
  Stream<DynamicTest> sameOutputAsQemu() throws IOException {
    List<String> programs = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXPECTED)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".out") && !n.endsWith(".board.out"))
          .map(n -> n.substring(0, n.length() - 4))
          .sorted()
          .forEach(programs::add);
    }
    if (programs.isEmpty()) {
      throw new AssertionError("no recorded QEMU outputs in " + EXPECTED);
    }
    Path qemu = findQemu();
    return programs.stream().map(p -> DynamicTest.dynamicTest(p, () -> compare(p, qemu)));
  }

  /**
   * Berth must print exactly what QEMU printed, except where docs/BOARD.md documents a chosen
   * difference: then {@code NAME.board.out} holds Berth's expected output, and the recorded QEMU
   * output is still checked against a live QEMU.
   */
  private static void compare(String program, Path qemu) throws Exception {
    String qemuOut = Files.readString(EXPECTED.resolve(program + ".out"));
    Path board = EXPECTED.resolve(program + ".board.out");
    String expectedOut = Files.exists(board) ? Files.readString(board) : qemuOut;
    int expectedStatus =
        Integer.parseInt(Files.readString(EXPECTED.resolve(program + ".status")).trim());

    Outcome berth = runBerth(program);
    assertEquals(expectedOut, berth.out, program + ": console differs");
    assertEquals(expectedStatus, berth.status, program + ": exit status");

    if (qemu != null) {
      Outcome live = runQemu(qemu, program);
      assertEquals(qemuOut, live.out, program + ": live QEMU differs from recording");
      assertEquals(expectedStatus, live.status, program + ": live QEMU exit status");
    }
  }

  record Outcome(String out, int status) {}

  static Outcome runBerth(String program) {
    try (GuestRun run = GuestRun.start(program)) {
      String in = stdinFor(program);
      if (!in.isEmpty()) {
        run.awaitConsole("ready");
        run.type(in);
      }
      MachineExit exit = run.awaitExit();
      return new Outcome(run.console(), exit.exitStatus());
    }
  }

  static Outcome runQemu(Path qemu, String program) throws Exception {
    String cpu = Files.readString(Guests.DIR.resolve("qemu-cpu.txt")).trim();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                qemu.toString(),
                "-machine",
                "virt",
                "-cpu",
                cpu,
                "-bios",
                "none",
                "-kernel",
                Guests.elf(program).toString(),
                "-nographic",
                "-monitor",
                "none"));
    if (program.equals("bench")) {
      // It prints minstret, which counts instructions on QEMU only with -icount.
      cmd.addAll(List.of("-icount", "shift=0"));
    }
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    StringBuffer out = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                  synchronized (out) {
                    out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    out.notifyAll();
                  }
                }
              } catch (IOException e) {
                // QEMU closed its side; what was read is the output
              }
            });
    reader.start();
    byte[] in = stdinFor(program).getBytes(StandardCharsets.UTF_8);
    if (in.length > 0) {
      synchronized (out) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString().contains("ready") && System.nanoTime() < deadline) {
          out.wait(50);
        }
      }
      p.getOutputStream().write(in);
      p.getOutputStream().flush();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(program + ": QEMU did not finish");
    }
    reader.join(10_000);
    String text =
        new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    return new Outcome(text, p.exitValue());
  }

  static Path findQemu() {
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(":")) {
      Path q = Path.of(dir, "qemu-system-riscv64");
      if (Files.isExecutable(q)) {
        return q;
      }
    }
    return null;
  }
}
