package io.zferry.service.failover;

import java.time.Duration;
import java.util.Objects;

/** What this node currently knows about its peer, as the heartbeats tell it. */
public sealed interface PeerView permits PeerView.Answering, PeerView.Silent {

  /**
   * The peer's API answered within the heartbeat timeout.
   *
   * @param service the peer's record of the service, absent from its answer if the peer does not
   *     run the service (a configuration mismatch between the nodes)
   */
  record Answering(java.util.Optional<PeerServiceState> service) implements PeerView {
    public Answering {
      Objects.requireNonNull(service, "service");
    }
  }

  /**
   * The peer's API has not answered for {@code apiSilentFor}.
   *
   * @param apiSilentFor since the API last answered (or since this daemon started, if it never did)
   * @param hostSilentFor since any channel (API or the peer's sshd) last answered; an sshd that
   *     still answers means the machine is up, and may still be serving the pool
   * @param seenSinceStart whether the peer answered at all since this daemon started
   */
  record Silent(Duration apiSilentFor, Duration hostSilentFor, boolean seenSinceStart)
      implements PeerView {
    public Silent {
      Objects.requireNonNull(apiSilentFor, "apiSilentFor");
      Objects.requireNonNull(hostSilentFor, "hostSilentFor");
    }
  }

  /**
   * The peer's view of one service.
   *
   * @param activeNode the owner the peer has recorded
   * @param epoch the peer's epoch for the service
   * @param locked whether the peer's sync lock is set
   * @param health what the peer says about its pool and control loop
   */
  record PeerServiceState(String activeNode, long epoch, boolean locked, NodeHealth health) {
    public PeerServiceState {
      Objects.requireNonNull(activeNode, "activeNode");
      Objects.requireNonNull(health, "health");
    }

    /** A peer that says nothing about its health. */
    public PeerServiceState(String activeNode, long epoch, boolean locked) {
      this(activeNode, epoch, locked, NodeHealth.UNREPORTED);
    }
  }
}
