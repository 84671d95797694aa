package io.zferry.service.failover;

import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.HealthView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Failure detection: one {@link #beat()} per heartbeat interval asks the peer's API for its
 * heartbeat and, only when that fails, whether the peer's sshd still answers. The peer counts as
 * silent on a channel from the last answer on it, or from this watch's start if it never answered,
 * so a node that restarts alone does not mistake "not yet asked" for "alive".
 *
 * <p>Silence is measured on a monotonic ticker, not the wall clock: a wall clock stepped by an hour
 * (NTP, an operator, a VM resumed) between a heartbeat and the next decision would otherwise make
 * an answering peer look silent for an hour, and the node would take over from a healthy active.
 */
public final class PeerWatch {
  private final Supplier<Optional<HeartbeatView>> api;
  private final BooleanSupplier host;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final long started;

  private volatile Optional<HeartbeatView> lastHeartbeat = Optional.empty();
  private volatile Optional<Instant> lastApiAnswerAt = Optional.empty();
  private volatile OptionalLong lastApiAnswer = OptionalLong.empty();
  private volatile OptionalLong lastHostAnswer = OptionalLong.empty();
  // When the question behind the recorded heartbeat was asked (monotonic).
  private long lastAskedAnswered;

  /**
   * @param api the peer's heartbeat, empty when it does not answer in time
   * @param host whether the peer machine answers at all (its sshd)
   * @param clock the wall clock, only to tell when the peer last answered
   * @param nanoTime a monotonic ticker in nanoseconds (normally {@link System#nanoTime}) that
   *     measures silence
   */
  public PeerWatch(
      Supplier<Optional<HeartbeatView>> api,
      BooleanSupplier host,
      Clock clock,
      LongSupplier nanoTime) {
    this.api = api;
    this.host = host;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.lastAskedAnswered = started;
  }

  /**
   * One heartbeat: asks the peer and records when each channel last answered. Beats may overlap
   * (the heartbeat loop, and a promotion that asks at once): an answer to a question asked before
   * the last recorded one's is older news and is dropped, so a slow stale answer cannot undo a
   * fresh one.
   */
  public void beat() {
    long asked = nanoTime.getAsLong();
    Optional<HeartbeatView> heartbeat = api.get();
    long now = nanoTime.getAsLong();
    if (heartbeat.isPresent()) {
      // The check and the record together: two answers passing the check one after the other
      // could otherwise be recorded in the wrong order.
      synchronized (this) {
        if (asked - lastAskedAnswered < 0) {
          return;
        }
        lastAskedAnswered = asked;
        lastHeartbeat = heartbeat;
        lastApiAnswer = OptionalLong.of(now);
        lastApiAnswerAt = Optional.of(clock.instant());
        // An answering API implies an answering machine.
        lastHostAnswer = OptionalLong.of(now);
      }
      return;
    }
    if (host.getAsBoolean()) {
      lastHostAnswer = OptionalLong.of(nanoTime.getAsLong());
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
    long now = nanoTime.getAsLong();
    OptionalLong api = lastApiAnswer;
    if (api.isPresent() && since(api.getAsLong(), now).compareTo(answeredWithin) <= 0) {
      return new PeerView.Answering(lastHeartbeat.flatMap(h -> claimOf(h, service)));
    }
    return new PeerView.Silent(
        since(api.orElse(started), now),
        since(lastHostAnswer.orElse(started), now),
        api.isPresent());
  }

  /** The last heartbeat the peer gave, however old. */
  public Optional<HeartbeatView> lastHeartbeat() {
    return lastHeartbeat;
  }

  /** Whether the peer's API answered within {@code within} (monotonic, as {@link #view}). */
  public boolean answeredWithin(Duration within) {
    OptionalLong api = lastApiAnswer;
    return api.isPresent() && since(api.getAsLong(), nanoTime.getAsLong()).compareTo(within) <= 0;
  }

  /**
   * Since the peer's API last answered, or since this watch started if it never did (monotonic, as
   * {@link #view}), whatever the view makes of it.
   */
  public Duration apiSilentFor() {
    return since(lastApiAnswer.orElse(started), nanoTime.getAsLong());
  }

  /** When, on this node's wall clock, the peer's API last answered (for display). */
  public Optional<Instant> lastApiAnswer() {
    return lastApiAnswerAt;
  }

  /** Elapsed time between two ticks; nanoTime values are compared by difference (overflow). */
  private static Duration since(long from, long now) {
    return Duration.ofNanos(now - from);
  }

  private static Optional<PeerServiceState> claimOf(HeartbeatView heartbeat, String service) {
    return heartbeat.services().stream()
        .filter(claim -> claim.name().equals(service))
        .findFirst()
        .map(PeerWatch::state);
  }

  private static PeerServiceState state(ServiceClaim claim) {
    return new PeerServiceState(
        claim.activeNode(), claim.epoch(), claim.lock() != null, health(claim.health()));
  }

  private static NodeHealth health(HealthView view) {
    if (view == null || view.pool() == null) {
      return NodeHealth.UNREPORTED;
    }
    return new NodeHealth(
        view.pool(),
        Duration.ofSeconds(Math.max(0, view.zfsUnansweredSeconds())),
        Duration.ofSeconds(Math.max(0, view.controlIdleSeconds())));
  }
}
