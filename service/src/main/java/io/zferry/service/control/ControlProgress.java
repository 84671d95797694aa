package io.zferry.service.control;

import io.zferry.service.failover.NodeHealth;
import java.time.Duration;

/**
 * Whether a service's control loop still makes progress, for systemd's watchdog: the heartbeat
 * thread asks before every ping, so a control loop wedged on a hung {@code zfs} or a stuck hook
 * stops the pings and systemd restarts the daemon, instead of a live heartbeat hiding it from the
 * peer. An operator action under way (a switchover waits for the catch-up pull) holds the loop on
 * purpose and has its own time-outs: it counts as progress.
 */
public final class ControlProgress {
  /**
   * The longest a control step may take: fence commands, hooks and the wait for a cancelled pull
   * have their own time-outs well below it.
   */
  public static final Duration STALL_LIMIT = NodeHealth.STALL_LIMIT;

  private ControlProgress() {}

  /**
   * @param now monotonic nanoseconds
   * @param lastProgress monotonic nanoseconds of the last completed control step
   * @param actionUnderWay whether an operator action holds the loop
   */
  public static boolean alive(long now, long lastProgress, boolean actionUnderWay) {
    return actionUnderWay || now - lastProgress < STALL_LIMIT.toNanos();
  }
}
