package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SelfTestCommandTest {
  @Test
  void passesOnAWorkingInstallation() {
    assertEquals(0, new CommandLine(new SelfTestCommand()).execute());
  }
}
