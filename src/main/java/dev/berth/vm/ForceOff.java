package dev.berth.vm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Force off as libvirt's destroy does it: terminate now, and kill if the VM is still there {@link
 * #KILL_AFTER_SECONDS} later. The app's session and the CLI's {@code berth power force-off} both go
 * through here.
 */
public final class ForceOff {
  public static final long KILL_AFTER_SECONDS = 10;

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "berth-force-off");
            t.setDaemon(true);
            return t;
          });

  private ForceOff() {}

  /**
   * Sends {@code terminate} now and {@code kill} once {@code after} seconds have passed unless
   * {@code stopped} has completed by then.
   *
   * @return completes when the kill was sent or found unnecessary
   */
  public static CompletableFuture<Void> escalate(
      Supplier<CompletableFuture<?>> terminate,
      Supplier<CompletableFuture<?>> kill,
      CompletableFuture<?> stopped,
      long after) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    terminate.get();
    TIMER.schedule(
        () -> {
          if (!stopped.isDone()) {
            kill.get().whenComplete((ok, e) -> done.complete(null));
          } else {
            done.complete(null);
          }
        },
        after,
        TimeUnit.SECONDS);
    return done;
  }
}
