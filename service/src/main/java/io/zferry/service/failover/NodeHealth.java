package io.zferry.service.failover;

import io.zferry.service.config.DurationText;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a node says about its own pool and control loop for one service (design §5 rule 9), in its
 * heartbeat and to its own control step. A suspended pool, a {@code zfs}/{@code zpool} command that
 * has not answered for {@link #ZFS_HANG_LIMIT}, or a control loop without a completed step for
 * {@link #STALL_LIMIT} is a failure like a dead node, with one difference that matters: the node is
 * alive and may write again when the pool or the command recovers, so only fencing can make it safe
 * to take over (see {@link FailoverDecider}).
 *
 * @param poolState the pool's {@code health} as {@code zpool list -H -o health} last printed it
 *     (ONLINE, DEGRADED, SUSPENDED, ...), or {@link #UNKNOWN_STATE} if it never answered or failed
 * @param zfsUnansweredFor since the last answer of the pool's health probe (about zero while the
 *     probe answers every round; it grows while the command hangs)
 * @param controlIdleFor since the control loop of the service last completed a step (zero while an
 *     operator action holds the loop on purpose)
 */
public record NodeHealth(String poolState, Duration zfsUnansweredFor, Duration controlIdleFor) {
  /** A {@code zfs} or {@code zpool} command hung this long means the node's ZFS hangs. */
  public static final Duration ZFS_HANG_LIMIT = Duration.ofSeconds(60);

  /**
   * A control loop without a completed step for this long is wedged; the same limit stops systemd's
   * watchdog pings.
   */
  public static final Duration STALL_LIMIT = Duration.ofMinutes(3);

  public static final String UNKNOWN_STATE = "UNKNOWN";

  /** Pool states in which it serves nothing (zpoolconcepts(7)); DEGRADED still serves. */
  private static final Set<String> FAILED_STATES =
      Set.of("SUSPENDED", "FAULTED", "UNAVAIL", "REMOVED", "OFFLINE");

  /** What a peer that does not report its health (an older zferryd) is taken for: no failure. */
  public static final NodeHealth UNREPORTED =
      new NodeHealth(UNKNOWN_STATE, Duration.ZERO, Duration.ZERO);

  public NodeHealth {
    Objects.requireNonNull(poolState, "poolState");
    Objects.requireNonNull(zfsUnansweredFor, "zfsUnansweredFor");
    Objects.requireNonNull(controlIdleFor, "controlIdleFor");
    poolState = poolState.isBlank() ? UNKNOWN_STATE : poolState.strip().toUpperCase(Locale.ROOT);
  }

  /** A healthy node: the pool ONLINE, the probe and the control loop answering now. */
  public static NodeHealth online() {
    return new NodeHealth("ONLINE", Duration.ZERO, Duration.ZERO);
  }

  /**
   * Why this node cannot serve the pool, or empty if nothing says so. An unknown pool state (the
   * probe failed with an error, or printed something new) is no failure by itself: the command
   * answered, so ZFS does not hang.
   */
  public Optional<String> failure() {
    if (FAILED_STATES.contains(poolState)) {
      return Optional.of("its pool is " + poolState);
    }
    if (zfsUnansweredFor.compareTo(ZFS_HANG_LIMIT) >= 0) {
      return Optional.of("its zpool command has hung for " + seconds(zfsUnansweredFor));
    }
    if (controlIdleFor.compareTo(STALL_LIMIT) >= 0) {
      return Optional.of("its control loop has made no progress for " + seconds(controlIdleFor));
    }
    return Optional.empty();
  }

  private static String seconds(Duration duration) {
    return DurationText.format(Duration.ofSeconds(Math.max(0, duration.toSeconds())));
  }
}
