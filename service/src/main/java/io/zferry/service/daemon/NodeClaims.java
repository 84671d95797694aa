package io.zferry.service.daemon;

import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * This node's answer to the peer's heartbeat ({@code GET /heartbeat}): its claim on each service.
 * The claims are remembered values read from the state store, so the answer is always quick.
 */
final class NodeClaims {
  private final String self;
  private final Supplier<List<ServiceClaim>> claims;
  private final Clock clock;

  NodeClaims(String self, Supplier<List<ServiceClaim>> claims, Clock clock) {
    this.self = self;
    this.claims = claims;
    this.clock = clock;
  }

  HeartbeatView heartbeat() {
    return new HeartbeatView(self, clock.instant().toString(), claims.get());
  }
}
