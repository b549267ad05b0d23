package dev.berth.rfb;

import static dev.berth.rfb.QemuVgaGuest.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.display.GuestDisplay.Damage;
import dev.berth.display.GuestDisplay.Screen;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VNC client against QEMU's own VNC server, showing a PC whose screen content is known. */
class RfbClientQemuTest {
  @TempDir Path dir;
  private QemuVgaGuest guest;
  private RfbClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (guest != null) {
      guest.close();
    }
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(
          System.nanoTime() < deadline,
          () ->
              "timed out waiting for "
                  + what
                  + "; the screen: "
                  + QemuVgaGuest.describe(client.screen()));
      Thread.sleep(20);
    }
  }

  @Test
  void showsTheBootScreenFollowsTheModeSwitchAndTypesAKey() throws Exception {
    guest = QemuVgaGuest.startPaused(dir);
    client = RfbClient.connect(guest.vnc, Duration.ofSeconds(5));
    assertTrue(client.name().contains(QemuVgaGuest.NAME), client.name());
    Screen before = client.screen();

    guest.cont();
    // The VGA BIOS switches to 80x25 text: 720x400, announced as a DesktopSize change.
    await("the text mode", () -> client.screen().width() == 720);
    assertEquals(400, client.screen().height());
    assertTrue(before.width() != 720 || before.height() != 400, "a size change was seen");
    await("the red screen", () -> share(client.screen(), QemuVgaGuest.RED) > 0.5);
    assertTrue(share(client.screen(), QemuVgaGuest.YELLOW) > 0.05, "yellow letters on the red");
    Damage d = client.takeDamage();
    assertEquals(client.screen(), d.screen());

    client.key('b', true);
    client.key('b', false);
    await("the green screen after the key", () -> share(client.screen(), QemuVgaGuest.GREEN) > 0.5);
    assertTrue(share(client.screen(), QemuVgaGuest.WHITE) > 0.05, "white letters on the green");
    assertNull(client.failure());
  }

  @Test
  void tellsWhenQemuGoesAway() throws Exception {
    guest = QemuVgaGuest.startPaused(dir);
    client = RfbClient.connect(guest.vnc, Duration.ofSeconds(5));
    CompletableFuture<String> why = new CompletableFuture<>();
    client.onFailure(why::complete);
    guest.close();
    assertEquals("the VNC server closed the connection", why.get(10, TimeUnit.SECONDS));
    assertEquals("the VNC server closed the connection", client.failure());
    client.close();
    client.close();
    client.key('x', true); // after the end: dropped, no error
  }
}
