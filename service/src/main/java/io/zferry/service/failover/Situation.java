package io.zferry.service.failover;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the failover rules look at for one service on one node, as plain values.
 *
 * @param self this node's name
 * @param local this node's stored record of the service
 * @param peer what the heartbeats say about the peer
 * @param isolation whether this node reaches its ping targets
 * @param fencing the service's fencing policy
 * @param heartbeatTimeout silence on every channel for this long makes the peer suspected
 * @param operatorConfirmed an operator forced this node active since the daemon started, which
 *     stands in for the peer's confirmation that rule 5 otherwise requires
 * @param ownHealth what this node knows about its own pool and control loop (design §5 rule 9)
 * @param pacemaker what Pacemaker last asked of this node's instance, if Pacemaker decides who
 *     serves ({@code cluster.manager: pacemaker}); empty under zferry's own rules
 */
public record Situation(
    String self,
    ServiceState local,
    PeerView peer,
    Isolation isolation,
    FencingPolicy fencing,
    Duration heartbeatTimeout,
    boolean operatorConfirmed,
    NodeHealth ownHealth,
    Optional<PacemakerIntent> pacemaker) {
  public Situation {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(fencing, "fencing");
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(ownHealth, "ownHealth");
    Objects.requireNonNull(pacemaker, "pacemaker");
  }

  /** A situation under zferry's own rules. */
  public Situation(
      String self,
      ServiceState local,
      PeerView peer,
      Isolation isolation,
      FencingPolicy fencing,
      Duration heartbeatTimeout,
      boolean operatorConfirmed,
      NodeHealth ownHealth) {
    this(
        self,
        local,
        peer,
        isolation,
        fencing,
        heartbeatTimeout,
        operatorConfirmed,
        ownHealth,
        Optional.empty());
  }

  /** A situation in which nothing is known about this node's own health. */
  public Situation(
      String self,
      ServiceState local,
      PeerView peer,
      Isolation isolation,
      FencingPolicy fencing,
      Duration heartbeatTimeout,
      boolean operatorConfirmed) {
    this(
        self,
        local,
        peer,
        isolation,
        fencing,
        heartbeatTimeout,
        operatorConfirmed,
        NodeHealth.UNREPORTED);
  }
}
