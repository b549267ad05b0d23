package dev.berth.vm;

import java.util.concurrent.CompletableFuture;

/**
 * The power menu's actions straight on a running VM, with no session around it ({@code berth run}'s
 * machine): no lifecycle, no history, but the same force-off escalation.
 */
public final class DirectControls implements VmControls {
  private final RunningVm vm;

  public DirectControls(RunningVm vm) {
    this.vm = vm;
  }

  @Override
  public CompletableFuture<?> start() {
    return CompletableFuture.failedFuture(new IllegalStateException("it is already running"));
  }

  @Override
  public CompletableFuture<?> powerButton() {
    return vm.powerButton();
  }

  @Override
  public CompletableFuture<?> shutDown() {
    return vm.shutDown();
  }

  @Override
  public CompletableFuture<?> quit() {
    return vm.quit();
  }

  @Override
  public CompletableFuture<?> forceOff() {
    return vm.forceOff();
  }

  @Override
  public CompletableFuture<?> interrupt() {
    return vm.interrupt();
  }

  @Override
  public CompletableFuture<?> terminate() {
    return vm.terminate();
  }

  @Override
  public CompletableFuture<?> kill() {
    return vm.kill();
  }

  @Override
  public CompletableFuture<?> reset() {
    return vm.reset();
  }

  @Override
  public CompletableFuture<?> pause() {
    return vm.pause();
  }

  @Override
  public CompletableFuture<?> resume() {
    return vm.resume();
  }

  @Override
  public CompletableFuture<?> wakeUp() {
    return vm.wakeUp();
  }

  @Override
  public CompletableFuture<?> ctrlAltDel() {
    return vm.sendCtrlAltDel();
  }

  @Override
  public CompletableFuture<?> reboot() {
    return vm.reboot();
  }

  @Override
  public CompletableFuture<?> sendKeys(KeyChord chord) {
    return vm.sendKeys(chord);
  }

  @Override
  public CompletableFuture<?> saveState() {
    return vm.saveState();
  }
}
