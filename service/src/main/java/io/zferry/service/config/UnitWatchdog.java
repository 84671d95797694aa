package io.zferry.service.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timing of the packaged systemd unit that a witness's lease must leave room for. A frozen
 * zferryd (SIGSTOP, a long pause) renews nothing and drops nothing itself: systemd's watchdog
 * notices within {@code WatchdogSec}, kills it within {@code TimeoutAbortSec}, and {@code
 * ExecStopPost=} drops the VIPs it held. All of that must end before the owner's lease deadline
 * ({@code ttl - safetyMargin} after its last renewal), the point after which the peer may already
 * be acquiring the key once the margin has passed too.
 *
 * @param watchdog {@code WatchdogSec=}
 * @param abort {@code TimeoutAbortSec=}: from the watchdog's SIGABRT to SIGKILL
 * @param stopPost how long {@code ExecStopPost=} may take to drop the VIPs
 */
public record UnitWatchdog(Duration watchdog, Duration abort, Duration stopPost) {
  /** As packaging/zferryd.service ships it. */
  public static final UnitWatchdog SHIPPED =
      new UnitWatchdog(Duration.ofSeconds(12), Duration.ofSeconds(3), Duration.ofSeconds(2));

  /**
   * A heartbeat round with a silent peer waits for its API and SSH probes (up to 2 s each), and the
   * watchdog is pinged after each round: half the period leaves a slow machine's rounds room to run
   * twice as long.
   */
  public static final Duration SLOWEST_PEER_PROBES = Duration.ofSeconds(4);

  /**
   * Whether a heartbeat round with a silent peer (the interval plus {@link #SLOWEST_PEER_PROBES}),
   * after each of which the watchdog is pinged, stays under half of {@code watchdog}: a slow
   * machine's rounds may run twice as long.
   */
  public static boolean roundFits(Duration heartbeatInterval, Duration watchdog) {
    return heartbeatInterval.plus(SLOWEST_PEER_PROBES).multipliedBy(2).compareTo(watchdog) < 0;
  }

  /** From the last ping of a frozen zferryd until its VIPs are down, at the latest. */
  public Duration frozenUntilVipsDown() {
    return watchdog.plus(abort).plus(stopPost);
  }

  /** What in {@code config} this unit cannot keep to; empty if nothing. */
  public List<ConfigProblem> check(ZferryConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    if (!roundFits(config.cluster().heartbeatInterval(), watchdog)) {
      problems.add(
          new ConfigProblem(
              "cluster.heartbeatInterval",
              DurationText.format(config.cluster().heartbeatInterval())
                  + " plus up to "
                  + DurationText.format(SLOWEST_PEER_PROBES)
                  + " of peer probes is not under half the unit's WatchdogSec="
                  + DurationText.format(watchdog)
                  + ": systemd could kill a zferryd that runs",
              "keep heartbeatInterval under "
                  + DurationText.format(watchdog.dividedBy(2).minus(SLOWEST_PEER_PROBES))
                  + ", such as 1s"));
    }
    config
        .witness()
        .ifPresent(
            witness -> {
              Duration deadline = witness.ttl().minus(witness.safetyMargin());
              if (frozenUntilVipsDown().compareTo(deadline) >= 0) {
                problems.add(
                    new ConfigProblem(
                        "witness.ttl",
                        "a frozen zferryd's VIPs go down up to "
                            + DurationText.format(frozenUntilVipsDown())
                            + " after its last sign of life (WatchdogSec="
                            + DurationText.format(watchdog)
                            + " + TimeoutAbortSec="
                            + DurationText.format(abort)
                            + " + "
                            + DurationText.format(stopPost)
                            + " for ExecStopPost), not before the lease deadline, ttl "
                            + DurationText.format(witness.ttl())
                            + " - safetyMargin "
                            + DurationText.format(witness.safetyMargin())
                            + " = "
                            + DurationText.format(deadline),
                        "raise ttl so that ttl - safetyMargin exceeds "
                            + DurationText.format(frozenUntilVipsDown())
                            + ", such as ttl: 30s, safetyMargin: 10s (docs/failover.md)"));
              }
            });
    return problems;
  }
}
