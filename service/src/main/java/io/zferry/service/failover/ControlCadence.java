package io.zferry.service.failover;

import java.time.Duration;

/**
 * When a service's next control step is due. One heartbeat interval apart normally; every {@link
 * #WHILE_FALLING_SILENT} from an interval before the heartbeat timeout to two after it, so a
 * takeover starts within a fraction of a second of the timeout instead of up to a whole interval
 * after it. A peer silent for longer (down for hours) gets the normal pace again: each step reads
 * the node's addresses and more.
 *
 * <p>The pace follows the time since the peer's API last answered, not the {@link PeerView}: until
 * the timeout the view still says Answering, and a pace taken from it stayed at one interval until
 * the view turned Silent, so the takeover started up to an interval after the timeout.
 */
public final class ControlCadence {
  public static final Duration WHILE_FALLING_SILENT = Duration.ofMillis(200);

  private ControlCadence() {}

  /**
   * @param apiSilentFor since the peer's API last answered (or since this daemon started)
   */
  public static Duration nextStepIn(
      Duration apiSilentFor, Duration interval, Duration heartbeatTimeout) {
    if (interval.compareTo(WHILE_FALLING_SILENT) <= 0) {
      return interval;
    }
    Duration soon = heartbeatTimeout.minus(interval);
    Duration past = heartbeatTimeout.plus(interval.multipliedBy(2));
    boolean nearTheTimeout = apiSilentFor.compareTo(soon) >= 0 && apiSilentFor.compareTo(past) <= 0;
    return nearTheTimeout ? WHILE_FALLING_SILENT : interval;
  }
}
