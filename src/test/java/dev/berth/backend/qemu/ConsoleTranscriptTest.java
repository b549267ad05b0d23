package dev.berth.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reattaching Berth shows from QEMU's log and the last watcher's transcript. */
class ConsoleTranscriptTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void theWatchersBytesEndWhereTheLogRepeatedThem() {
    // QEMU's log repeats the bytes it retried after EAGAIN; the socket carried each once
    byte[] logged = b("[[mem Trying to unpack rootfs image as inittramfs...\r\n# ls\r\n");
    byte[] read = b("[mem Trying to unpack rootfs image as initramfs...\r\n");
    assertEquals(
        "# ls\r\n", s(logged).substring(ConsoleTranscript.endOf(logged, read)), "the rest");
    assertEquals(-1, ConsoleTranscript.endOf(b("abc"), b("abd")));
    assertEquals(0, ConsoleTranscript.endOf(b("abc"), b("")));
  }

  @Test
  void aReattachShowsWhatTheSocketCarriedThenWhatNoBerthWatched() throws Exception {
    QemuRuntime rt = new QemuRuntime(dir);
    // a start from the command line: nobody watched, QEMU's log is right
    Files.write(rt.serialLog(), b("boot: initramfs\r\n"));
    ConsoleTranscript first = new ConsoleTranscript(rt);
    first.reset();
    assertEquals("boot: initramfs\r\n", s(first.catchUp(1 << 16)));
    // the app watches; its reader stalls, so QEMU logs some bytes twice
    Files.write(
        rt.serialLog(),
        b("boot: initramfs\r\nx86-guest rready in 3.2 s\r\n# "),
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    byte[] live = b("x86-guest ready in 3.2 s\r\n# ");
    first.append(live, 0, live.length);
    first.close();
    // the app closed; the guest printed on while nobody watched
    Files.write(
        rt.serialLog(), b("reboot: Power down\r\n"), java.nio.file.StandardOpenOption.APPEND);
    ConsoleTranscript again = new ConsoleTranscript(rt);
    assertEquals(
        "boot: initramfs\r\nx86-guest ready in 3.2 s\r\n# reboot: Power down\r\n",
        s(again.catchUp(1 << 16)));
    again.close();
    // and a third Berth finds the same, once
    ConsoleTranscript third = new ConsoleTranscript(rt);
    assertEquals(
        "boot: initramfs\r\nx86-guest ready in 3.2 s\r\n# reboot: Power down\r\n",
        s(third.catchUp(1 << 16)));
    third.close();
    assertEquals(
        "reboot: Power down\r\n", s(new ConsoleTranscript(rt).catchUp(20)), "the last 20 bytes");
  }
}
