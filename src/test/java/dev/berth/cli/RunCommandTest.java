package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.Guests;
import dev.berth.core.TestElf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code berth run}: exit statuses, the console, events, and one clear line for bad input. */
class RunCommandTest {
  @TempDir Path tmp;

  private record Result(int status, String out, String err) {}

  private static Result run(String stdin, String... args) {
    return runAfter("", stdin, args);
  }

  /** Runs with {@code stdin} held back until the guest has printed {@code prompt}. */
  private static Result runAfter(String prompt, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    InputStream in =
        new InputStream() {
          private final ByteArrayInputStream data =
              new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
          private boolean released = prompt.isEmpty();

          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!released && System.nanoTime() < deadline) {
              synchronized (out) {
                released = out.toString(StandardCharsets.UTF_8).contains(prompt);
                if (!released) {
                  try {
                    out.wait(20);
                  } catch (InterruptedException e) {
                    return -1;
                  }
                }
              }
            }
            return data.read(b, off, len);
          }
        };
    ConsoleIo io = new ConsoleIo(in, out, errStream, false);
    CommandLine cli = new CommandLine(new RunCommand(io));
    cli.setErr(new java.io.PrintWriter(errStream, true));
    int status = cli.execute(args);
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneLineError(Result r, String expected) {
    assertEquals(1, r.status());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("berth: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test
  void helloPowersOffWithStatusZero() {
    Result r = run("", "--kernel", Guests.elf("hello").toString());
    assertEquals(0, r.status());
    assertTrue(r.out().startsWith("Hello from Berth guest\n"), r.out());
  }

  @Test
  void failureCodeBecomesTheExitStatus() {
    Result r = run("", "--kernel", Guests.elf("fail").toString());
    assertEquals(3, r.status());
    assertEquals("failing with code 3\n", r.out());
  }

  @Test
  void stdinReachesTheGuest() {
    Result r = runAfter("echo ready", "abcq", "--kernel", Guests.elf("uart_echo").toString());
    assertEquals(0, r.status());
    assertTrue(r.out().contains("got: a\n"), r.out());
    assertTrue(r.out().contains("bye"), r.out());
  }

  @Test
  void escapeKeyPressesThePowerButton() {
    Result r =
        runAfter(
            "waiting", "\u0001p", "--kernel", Guests.elf("pm_button").toString(), "--events", "-");
    assertEquals(0, r.status());
    assertTrue(r.err().contains("\"event\":\"POWERDOWN\""), r.err());
    assertTrue(r.err().contains("\"reason\":\"guest-shutdown\""), r.err());
  }

  @Test
  void escapeKeyQuits() {
    Result r = run("\u0001x", "--kernel", Guests.elf("pm_ignore").toString(), "--events", "-");
    assertEquals(0, r.status());
    assertTrue(r.err().contains("{\"guest\":false,\"reason\":\"host-qmp-quit\"}"), r.err());
  }

  /** A full disk loses the events: the user is told once, and the VM runs to its own end. */
  @Test
  void eventsToAFullDiskSaySoOnce() {
    Result r = run("", "--kernel", Guests.elf("reset").toString(), "--events", "/dev/full");
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.err().contains("berth: /dev/full: cannot write events (the disk may be full)"), r.err());
    assertEquals(1, r.err().split("cannot write events", -1).length - 1, r.err());
  }

  @Test
  void eventsFileHoldsQmpShapedJsonLines() throws IOException {
    Path events = tmp.resolve("events.jsonl");
    Result r = run("", "--kernel", Guests.elf("reset").toString(), "--events", events.toString());
    assertEquals(0, r.status());
    List<String> lines = Files.readAllLines(events);
    assertEquals(2, lines.size(), lines.toString());
    ObjectMapper json = new ObjectMapper();
    JsonNode reset = json.readTree(lines.get(0));
    assertEquals("RESET", reset.get("event").asText());
    assertEquals("guest-reset", reset.at("/data/reason").asText());
    assertTrue(reset.at("/data/guest").asBoolean());
    assertTrue(reset.at("/timestamp/seconds").asLong() > 1_700_000_000L);
    assertTrue(reset.at("/timestamp/microseconds").isIntegralNumber());
    JsonNode shutdown = json.readTree(lines.get(1));
    assertEquals("SHUTDOWN", shutdown.get("event").asText());
    assertEquals("guest-shutdown", shutdown.at("/data/reason").asText());
  }

  @Test
  void missingFile() {
    assertOneLineError(run("", "--kernel", tmp.resolve("nope.elf").toString()), "no such file");
  }

  @Test
  void missingDriveImage() {
    String kernel = Guests.elf("hello").toString();
    Path img = tmp.resolve("data.img");
    assertOneLineError(
        run("", "--kernel", kernel, "--drive", img.toString()), img + ": no such disk image");
    assertOneLineError(
        run("", "--kernel", kernel, "--drive", "file=" + img + ",format=qcow2"), "only format=raw");
  }

  @Test
  void aDriveIsAttachedAndReleased() throws IOException {
    Path img = tmp.resolve("data.img");
    Files.write(img, new byte[4096]);
    String kernel = Guests.elf("hello").toString();
    assertEquals(
        0, run("", "--kernel", kernel, "--drive", "file=" + img + ",readonly=on").status());
    assertEquals(0, run("", "--kernel", kernel, "--drive", img.toString()).status(), "unlocked");
  }

  @Test
  void notAnElf() throws IOException {
    Path f = tmp.resolve("notes.txt");
    Files.writeString(f, "hello, this is not a kernel\n".repeat(10));
    assertOneLineError(run("", "--kernel", f.toString()), "not an ELF file");
  }

  @Test
  void wrongArchitecture() throws IOException {
    Path f = tmp.resolve("x86.elf");
    Files.write(f, TestElf.build(TestElf.EM_X86_64, 0x400000, new byte[16]));
    assertOneLineError(run("", "--kernel", f.toString()), "another architecture");
  }

  @Test
  void truncatedElf() throws IOException {
    Path f = tmp.resolve("short.elf");
    byte[] elf = TestElf.riscv(0x8000_0000L, 0x13, 0x13);
    Files.write(f, java.util.Arrays.copyOf(elf, 80));
    assertOneLineError(run("", "--kernel", f.toString()), "damaged ELF");
  }

  @Test
  void segmentOutsideRam() throws IOException {
    Path f = tmp.resolve("low.elf");
    Files.write(f, TestElf.riscv(0x1000, 0x13));
    assertOneLineError(run("", "--kernel", f.toString()), "lies outside RAM");
  }

  @Test
  void malformedMemorySize() {
    assertOneLineError(
        run("", "--kernel", Guests.elf("hello").toString(), "-m", "12Q"), "not a memory size");
  }

  @Test
  void memoryOutOfRange() {
    assertOneLineError(
        run("", "--kernel", Guests.elf("hello").toString(), "-m", "4G"), "memory must be between");
  }

  @Test
  void sizesParseLikeQemu() {
    assertEquals(128L << 20, Sizes.parse("128"));
    assertEquals(128L << 20, Sizes.parse("128M"));
    assertEquals(1L << 30, Sizes.parse("1G"));
    assertEquals(512L << 10, Sizes.parse("512k"));
    assertEquals(64L << 20, Sizes.parse("64MiB"));
  }
}
