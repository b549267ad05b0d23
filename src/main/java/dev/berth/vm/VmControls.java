package dev.berth.vm;

import java.util.concurrent.CompletableFuture;

/**
 * What the power menu's actions do, to a VM in this process ({@link VmSession}) or to one another
 * process runs (the CLI's {@code berth power}, over QMP and signals). Each returns a future that
 * fails with one readable line when the VM could not do it.
 */
public interface VmControls {
  CompletableFuture<?> start();

  CompletableFuture<?> powerButton();

  CompletableFuture<?> shutDown();

  CompletableFuture<?> quit();

  CompletableFuture<?> forceOff();

  CompletableFuture<?> interrupt();

  CompletableFuture<?> terminate();

  CompletableFuture<?> kill();

  CompletableFuture<?> reset();

  CompletableFuture<?> pause();

  CompletableFuture<?> resume();

  CompletableFuture<?> wakeUp();

  CompletableFuture<?> ctrlAltDel();

  /** Asks the guest to restart: its agent's reboot when it answers, else Ctrl+Alt+Del. */
  CompletableFuture<?> reboot();

  /** Presses {@code chord} on the guest's keyboard. */
  default CompletableFuture<?> sendKeys(KeyChord chord) {
    return chord == KeyChord.CTRL_ALT_DEL
        ? ctrlAltDel()
        : CompletableFuture.failedFuture(
            new UnsupportedOperationException(chord.label() + " cannot be sent from here"));
  }

  /** Writes the running VM's state to disk and ends the run; the next start restores it. */
  CompletableFuture<?> saveState();
}
