package io.zferry.service.pacemaker;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The promotion score this node's instance asks Pacemaker for ({@code crm_attribute --promotion}):
 * Pacemaker promotes the instance with the highest. The owner of the record keeps the highest, so a
 * restart of the resource or of the whole cluster promotes the node whose data is newest; a passive
 * scores by how current its copy is, in coarse steps so that a lag growing by the second does not
 * rewrite the CIB at every monitor. A node with no copy, or a copy the sync lock says is not
 * current, asks for no promotion at all: as under zferry's own rules, it never takes a service over
 * automatically.
 */
public final class PromotionScore {
  /** The owner's score: above any passive's. */
  public static final int OWNER = 1000;

  private static final int FRESH = 900;
  private static final int MINUTES = 500;
  private static final int HOUR = 200;
  private static final int STALE = 100;

  private PromotionScore() {}

  /**
   * @param intent what Pacemaker last asked of this instance
   * @param owner whether this node's record names it the owner
   * @param locked whether the service's sync is locked here
   * @param lag how old the newest snapshot this node applied is; empty if it applied none
   * @return the score, or empty for none (delete the attribute)
   */
  public static OptionalInt of(
      PacemakerIntent intent, boolean owner, boolean locked, Optional<Duration> lag) {
    return of(intent, owner, true, locked, lag);
  }

  /**
   * @param heardSinceStart whether another node answered since zferryd started: an owner's record
   *     read after a reboot may be stale (another node took over meanwhile), and until a peer
   *     confirms or replaces it the node asks for no promotion, as a restarted node never makes
   *     itself active under zferry's own rules (design §5 rule 5). With quorum one does within a
   *     heartbeat.
   */
  public static OptionalInt of(
      PacemakerIntent intent,
      boolean owner,
      boolean heardSinceStart,
      boolean locked,
      Optional<Duration> lag) {
    if (intent == PacemakerIntent.STOPPED) {
      return OptionalInt.empty();
    }
    if (owner) {
      return heardSinceStart ? OptionalInt.of(OWNER) : OptionalInt.empty();
    }
    if (locked || lag.isEmpty()) {
      return OptionalInt.empty();
    }
    Duration behind = lag.get();
    if (behind.compareTo(Duration.ofMinutes(1)) <= 0) {
      return OptionalInt.of(FRESH);
    }
    if (behind.compareTo(Duration.ofMinutes(10)) <= 0) {
      return OptionalInt.of(MINUTES);
    }
    if (behind.compareTo(Duration.ofHours(1)) <= 0) {
      return OptionalInt.of(HOUR);
    }
    return OptionalInt.of(STALE);
  }
}
