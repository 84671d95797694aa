package io.zferry.service.control;

import io.zferry.service.config.DurationText;
import io.zferry.service.control.Witness.Answer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * This node's hold on a service's leader key at the witness (Patroni's model): the active serves
 * only while it holds the lease, renews it every third of its TTL, and stops serving once {@code
 * ttl - safetyMargin} has passed since the request of its last successful renewal was <em>sent</em>
 * (the witness started its TTL no earlier than that, so it cannot have expired there yet). The
 * passive takes over only after acquiring the key, which the witness allows only once the old
 * holder's lease has expired.
 *
 * <p>Time is the monotonic {@code nanoTime}: a stepped wall clock must not stretch the lease. The
 * margin covers the difference in clock rates and the time the node needs to stop writes and drop
 * its VIPs after the control step notices.
 */
public final class LeaderLease {
  private final String self;
  private final Witness witness;
  private final Duration ttl;
  private final Duration safetyMargin;
  private final LongSupplier nanoTime;

  private volatile ServingDeadline deadline = ServingDeadline.NONE;
  private boolean held;
  private long leaseId;
  private long renewedSentAt;
  private long acquisitions;
  private String lostBecause = "";
  private String lastFailure = "";

  /**
   * @param ttl the lease's time to live at the witness
   * @param safetyMargin how long before the lease could expire the holder stops serving; less than
   *     two thirds of the TTL, so a renewal is due before the holder stops
   */
  public LeaderLease(
      String self, Witness witness, Duration ttl, Duration safetyMargin, LongSupplier nanoTime) {
    this.self = Objects.requireNonNull(self, "self");
    this.witness = Objects.requireNonNull(witness, "witness");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.safetyMargin = Objects.requireNonNull(safetyMargin, "safetyMargin");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    if (safetyMargin.isNegative()
        || safetyMargin.multipliedBy(3).compareTo(ttl.multipliedBy(2)) >= 0) {
      throw new IllegalArgumentException(
          "the witness safety margin must be under two thirds of the TTL " + ttl);
    }
  }

  /**
   * For an owner that is about to serve: renews the lease when a renewal is due, or acquires the
   * key if this node holds no lease. Empty if the node may serve now; otherwise why not.
   */
  public Optional<String> keep() {
    expireIfDue();
    if (held && nanoTime.getAsLong() - renewedSentAt >= renewalPeriod().toNanos()) {
      long sent = nanoTime.getAsLong();
      Answer answer = witness.renew(self, leaseId);
      if (answer instanceof Answer.Granted granted) {
        renewed(sent, granted.leaseId());
      } else if (answer instanceof Answer.Refused refused) {
        lost("the witness refused to renew the lease: " + refused.why());
      } else {
        lastFailure = "a renewal was not answered (" + ((Answer.Unanswered) answer).why() + ")";
      }
      expireIfDue();
    }
    if (held) {
      return Optional.empty();
    }
    String before = lostBecause;
    return acquire().map(why -> before.isEmpty() ? why : before + "; " + why);
  }

  /**
   * Acquires the leader key for this node (create-if-absent); empty if it is held now, otherwise
   * why not.
   */
  public Optional<String> acquire() {
    if (held) {
      return Optional.empty();
    }
    long sent = nanoTime.getAsLong();
    Answer answer = witness.acquire(self, ttl);
    if (answer instanceof Answer.Granted granted) {
      acquisitions++;
      renewed(sent, granted.leaseId());
      return Optional.empty();
    }
    if (answer instanceof Answer.Refused refused) {
      return Optional.of(
          "the witness " + witness.describe() + " refused the leader lease: " + refused.why());
    }
    return Optional.of(
        "the witness "
            + witness.describe()
            + " did not answer ("
            + ((Answer.Unanswered) answer).why()
            + "), and nobody serves without its lease");
  }

  /**
   * Hands the key to {@code to} during a switchover; this node no longer counts on it, whatever the
   * answer (a lost reply may have handed it over). Empty if handed over, otherwise why not.
   */
  public Optional<String> handOver(String to) {
    lost("the leader key was handed to " + to);
    // A switchover takes the VIPs down and stops writes before it hands the key over.
    deadline.notServing();
    Answer answer = witness.handOver(self, to);
    if (answer instanceof Answer.Granted) {
      return Optional.empty();
    }
    if (answer instanceof Answer.Refused refused) {
      return Optional.of(
          "the witness refused to hand the leader key to " + to + ": " + refused.why());
    }
    return Optional.of(
        "the witness "
            + witness.describe()
            + " did not answer the hand-over to "
            + to
            + " ("
            + ((Answer.Unanswered) answer).why()
            + ")");
  }

  /** This node stopped serving: it no longer counts on the lease, which expires at the witness. */
  public void drop() {
    if (held) {
      lost("this node stopped serving and let its lease go");
    }
  }

  /**
   * How many leases this node has acquired (renewals not counted): a different number than when it
   * last served means it serves under a new lease, the old one having run out meanwhile.
   */
  public long acquisitions() {
    return acquisitions;
  }

  /** Whether this node holds an unexpired lease now. */
  public boolean held() {
    expireIfDue();
    return held;
  }

  /**
   * Tells {@code watcher} the serving deadline of every successful renewal, and when a control step
   * has stopped serving (a {@link DeadMansSwitch} acts if that does not come in time).
   */
  public void watchedBy(ServingDeadline watcher) {
    this.deadline = Objects.requireNonNull(watcher, "watcher");
  }

  /** A control step stopped serving (VIPs down, writes stopped): the deadline is met. */
  public void steppedDown() {
    deadline.notServing();
  }

  /** When a renewal is due after the last successful one. */
  public Duration renewalPeriod() {
    return ttl.dividedBy(3);
  }

  private void renewed(long sentAt, long lease) {
    held = true;
    leaseId = lease;
    renewedSentAt = sentAt;
    deadline.servingUntil(sentAt + ttl.minus(safetyMargin).toNanos());
    lostBecause = "";
    lastFailure = "";
  }

  private void lost(String why) {
    held = false;
    lostBecause = why;
  }

  private void expireIfDue() {
    if (held && nanoTime.getAsLong() - renewedSentAt >= ttl.minus(safetyMargin).toNanos()) {
      lost(
          "the lease at the witness "
              + witness.describe()
              + " was not renewed for "
              + DurationText.format(ttl.minus(safetyMargin))
              + " (TTL "
              + DurationText.format(ttl)
              + " minus a safety margin of "
              + DurationText.format(safetyMargin)
              + "), so this node stopped serving before it could expire there"
              + (lastFailure.isEmpty() ? "" : " (" + lastFailure + ")"));
    }
  }
}
