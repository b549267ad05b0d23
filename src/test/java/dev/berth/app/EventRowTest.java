package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A line of the event log as the Events table reads it. */
class EventRowTest {
  @Test
  void qemusEventsInWordsWithWhoAsked() {
    EventRow off =
        EventRow.of(
            "14:53  {\"timestamp\":{\"seconds\":1,\"microseconds\":0},\"event\":\"SHUTDOWN\","
                + "\"data\":{\"guest\":false,\"reason\":\"host-signal\"}}");
    assertEquals("14:53:00", off.time(), "LocalTime's zero seconds shown");
    assertEquals("SHUTDOWN", off.event());
    assertEquals("the host", off.who());
    assertEquals(
        "The emulator was ended by a signal (force off, terminate, Ctrl+C) (host-signal)",
        off.details());
    assertTrue(off.pretty().contains("\"reason\" : \"host-signal\""), off.pretty());
    EventRow press = EventRow.of("14:52:07  {\"event\":\"POWERDOWN\"}");
    assertEquals("The power button was pressed: the guest decides", press.details());
  }

  @Test
  void berthsNotesSayWhetherTheUserAsked() {
    EventRow asked =
        EventRow.of("14:53:01  (shutdown) asked: the guest agent if it answers, else the button");
    assertEquals("shutdown", asked.event());
    assertEquals("you", asked.who());
    assertEquals("asked: the guest agent if it answers, else the button", asked.details());
    assertEquals("Berth", EventRow.of("14:53:02  (end) Guest powered off").who());
  }
}
