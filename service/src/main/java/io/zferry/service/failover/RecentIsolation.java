package io.zferry.service.failover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Isolation that outlasts the moment the ping targets answer again by one heartbeat timeout. When a
 * cut link comes back, the gateway may answer a little before the peer's next heartbeat does; in
 * that gap the peer still looks silent, and a node that had just been cut off would take over from
 * a healthy active. It must first see the peer stay silent for a whole timeout while connected.
 */
public final class RecentIsolation implements Supplier<Isolation> {
  private final Supplier<Isolation> check;
  private final Clock clock;
  private final Duration hold;
  private Instant lastIsolated = Instant.MIN;

  public RecentIsolation(Supplier<Isolation> check, Clock clock, Duration hold) {
    this.check = check;
    this.clock = clock;
    this.hold = hold;
  }

  @Override
  public synchronized Isolation get() {
    Isolation now = check.get();
    Instant at = clock.instant();
    if (now == Isolation.ISOLATED) {
      lastIsolated = at;
      return now;
    }
    if (now == Isolation.CONNECTED && at.isBefore(lastIsolated.plus(hold))) {
      return Isolation.ISOLATED;
    }
    return now;
  }
}
