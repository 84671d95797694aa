package io.zferry.service.daemon;

import io.zferry.service.failover.PeerWatch;
import io.zferry.service.status.StatusViews.PeerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the peer is up as the operator sees it: its API answered within a heartbeat interval plus
 * its timeout. Shared by the status and {@code /metrics} so both say the same.
 */
final class PeerPresence {
  private final String peer;
  private final PeerWatch peerWatch;
  private final Duration upWithin;

  /**
   * @param upWithin the longest since the peer's API last answered for it to count as up
   */
  PeerPresence(String peer, PeerWatch peerWatch, Duration upWithin) {
    this.peer = peer;
    this.peerWatch = peerWatch;
    this.upWithin = upWithin;
  }

  String name() {
    return peer;
  }

  boolean up() {
    return peerWatch.answeredWithin(upWithin);
  }

  Optional<Instant> lastAnswer() {
    return peerWatch.lastApiAnswer();
  }

  PeerStatus status() {
    return new PeerStatus(peer, up(), lastAnswer().map(Instant::toString).orElse(null));
  }
}
