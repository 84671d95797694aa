package io.zferry.service.failover;

import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Failure detection: one {@link #beat()} per heartbeat interval asks the peer's API for its
 * heartbeat and, only when that fails, whether the peer's sshd still answers. The peer counts as
 * silent on a channel from the last answer on it, or from this watch's start if it never answered,
 * so a node that restarts alone does not mistake "not yet asked" for "alive".
 */
public final class PeerWatch {
  private final Supplier<Optional<HeartbeatView>> api;
  private final BooleanSupplier host;
  private final Clock clock;
  private final Instant started;

  private volatile Optional<HeartbeatView> lastHeartbeat = Optional.empty();
  private volatile Optional<Instant> lastApiAnswer = Optional.empty();
  private volatile Optional<Instant> lastHostAnswer = Optional.empty();

  /**
   * @param api the peer's heartbeat, empty when it does not answer in time
   * @param host whether the peer machine answers at all (its sshd)
   */
  public PeerWatch(Supplier<Optional<HeartbeatView>> api, BooleanSupplier host, Clock clock) {
    this.api = api;
    this.host = host;
    this.clock = clock;
    this.started = clock.instant();
  }

  /** One heartbeat: asks the peer and records when each channel last answered. */
  public void beat() {
    Optional<HeartbeatView> heartbeat = api.get();
    Instant now = clock.instant();
    if (heartbeat.isPresent()) {
      lastHeartbeat = heartbeat;
      lastApiAnswer = Optional.of(now);
      // An answering API implies an answering machine.
      lastHostAnswer = Optional.of(now);
      return;
    }
    if (host.getAsBoolean()) {
      lastHostAnswer = Optional.of(clock.instant());
    }
  }

  /**
   * The peer as the failover rules see it for one service: answering with its record of the service
   * if the last heartbeat succeeded, otherwise silent since its last answers.
   *
   * @param answeredWithin a heartbeat older than this no longer counts as answering (normally the
   *     heartbeat interval plus the API timeout)
   */
  public PeerView view(String service, Duration answeredWithin) {
    Instant now = clock.instant();
    Optional<Instant> api = lastApiAnswer;
    if (api.isPresent() && !api.get().plus(answeredWithin).isBefore(now)) {
      return new PeerView.Answering(lastHeartbeat.flatMap(h -> claimOf(h, service)));
    }
    return new PeerView.Silent(
        Duration.between(api.orElse(started), now),
        Duration.between(lastHostAnswer.orElse(started), now),
        api.isPresent());
  }

  /** The last heartbeat the peer gave, however old. */
  public Optional<HeartbeatView> lastHeartbeat() {
    return lastHeartbeat;
  }

  /** When the peer's API last answered. */
  public Optional<Instant> lastApiAnswer() {
    return lastApiAnswer;
  }

  private static Optional<PeerServiceState> claimOf(HeartbeatView heartbeat, String service) {
    return heartbeat.services().stream()
        .filter(claim -> claim.name().equals(service))
        .findFirst()
        .map(PeerWatch::state);
  }

  private static PeerServiceState state(ServiceClaim claim) {
    return new PeerServiceState(claim.activeNode(), claim.epoch(), claim.lock() != null);
  }
}
