package io.zferry.service.failover;

import java.time.Duration;

/**
 * When a service's next control step is due. One heartbeat interval apart normally; every {@link
 * #WHILE_FALLING_SILENT} while the peer has fallen silent and the heartbeat timeout is near or just
 * past, so a takeover starts within a fraction of a second of the timeout instead of up to a whole
 * interval after it. A peer silent for longer (down for hours) gets the normal pace again: each
 * step reads the node's addresses and more.
 */
public final class ControlCadence {
  public static final Duration WHILE_FALLING_SILENT = Duration.ofMillis(200);

  private ControlCadence() {}

  public static Duration nextStepIn(PeerView peer, Duration interval, Duration heartbeatTimeout) {
    if (!(peer instanceof PeerView.Silent silent)
        || interval.compareTo(WHILE_FALLING_SILENT) <= 0) {
      return interval;
    }
    Duration soon = heartbeatTimeout.minus(interval);
    Duration past = heartbeatTimeout.plus(interval.multipliedBy(2));
    boolean nearTheTimeout =
        silent.apiSilentFor().compareTo(soon) >= 0 && silent.apiSilentFor().compareTo(past) <= 0;
    return nearTheTimeout ? WHILE_FALLING_SILENT : interval;
  }
}
