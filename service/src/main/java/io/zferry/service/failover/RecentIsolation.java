package io.zferry.service.failover;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Isolation that outlasts the moment the ping targets answer again by one heartbeat timeout. When a
 * cut link comes back, the gateway may answer a little before the peer's next heartbeat does; in
 * that gap the peer still looks silent, and a node that had just been cut off would take over from
 * a healthy active. It must first see the peer stay silent for a whole timeout while connected. The
 * hold is measured on a monotonic ticker: a wall clock stepped back by an hour would otherwise keep
 * a reconnected node "isolated" (unable to take over) for that hour.
 */
public final class RecentIsolation implements Supplier<Isolation> {
  private final Supplier<Isolation> check;
  private final LongSupplier nanoTime;
  private final Duration hold;
  private boolean everIsolated;
  private long lastIsolated;

  /**
   * @param nanoTime a monotonic ticker in nanoseconds, normally {@link System#nanoTime}
   */
  public RecentIsolation(Supplier<Isolation> check, LongSupplier nanoTime, Duration hold) {
    this.check = check;
    this.nanoTime = nanoTime;
    this.hold = hold;
  }

  @Override
  public synchronized Isolation get() {
    Isolation now = check.get();
    long at = nanoTime.getAsLong();
    if (now == Isolation.ISOLATED) {
      everIsolated = true;
      lastIsolated = at;
      return now;
    }
    if (now == Isolation.CONNECTED
        && everIsolated
        && Duration.ofNanos(at - lastIsolated).compareTo(hold) < 0) {
      return Isolation.ISOLATED;
    }
    return now;
  }
}
