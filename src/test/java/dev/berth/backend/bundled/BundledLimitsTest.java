package dev.berth.backend.bundled;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.machine.MachineConfig;
import dev.berth.vm.SpecValidator;
import org.junit.jupiter.api.Test;

/** The dialog's memory limits for the bundled core are the ones the core enforces. */
class BundledLimitsTest {
  @Test
  void validatorAndCoreAgree() {
    assertEquals(MachineConfig.MIN_MEMORY >> 20, SpecValidator.BUNDLED_MIN_MEMORY_MIB);
    assertEquals(MachineConfig.MAX_MEMORY >> 20, SpecValidator.BUNDLED_MAX_MEMORY_MIB);
  }
}
