package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Cluster-wide facts and failure detection.
 *
 * @param name the cluster's name, shown in the GUI, the CLI and metrics
 * @param heartbeatInterval how often each node tells its peer it is alive (100ms..1m)
 * @param heartbeatTimeout a peer silent for this long counts as gone (1s..10m; at least 3 ×
 *     heartbeatInterval)
 * @param pingTargets IP addresses (typically the default gateway) a node must reach to consider
 *     itself connected; a node that reaches none of them is isolated and must not take over. Empty
 *     means no such check.
 * @param manager who decides which node serves: zferry's own rules, or Pacemaker
 */
public record ClusterConfig(
    String name,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    List<String> pingTargets,
    ClusterManager manager) {

  public static final DurationRange HEARTBEAT_INTERVAL_RANGE = DurationRange.of("100ms", "1m");
  public static final DurationRange HEARTBEAT_TIMEOUT_RANGE = DurationRange.of("1s", "10m");
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A single lost or late heartbeat must not look like a dead peer, or a short network hiccup would
   * trigger a failover.
   */
  static final int MIN_HEARTBEATS_PER_TIMEOUT = 3;

  public ClusterConfig {
    Checks.name("name", "cluster", name);
    Objects.requireNonNull(manager, "manager");
    HEARTBEAT_INTERVAL_RANGE.check("heartbeatInterval", heartbeatInterval);
    HEARTBEAT_TIMEOUT_RANGE.check("heartbeatTimeout", heartbeatTimeout);
    Duration least = heartbeatInterval.multipliedBy(MIN_HEARTBEATS_PER_TIMEOUT);
    if (heartbeatTimeout.compareTo(least) < 0) {
      throw new ConfigValueException(
          "heartbeatTimeout",
          DurationText.format(heartbeatTimeout)
              + " is shorter than "
              + MIN_HEARTBEATS_PER_TIMEOUT
              + " heartbeat intervals ("
              + DurationText.format(least)
              + "), so one late heartbeat would look like a dead peer",
          "raise heartbeatTimeout to at least "
              + DurationText.format(least)
              + " or lower heartbeatInterval");
    }
    Objects.requireNonNull(pingTargets, "pingTargets");
    pingTargets = List.copyOf(pingTargets);
    for (int i = 0; i < pingTargets.size(); i++) {
      requirePingTarget("pingTargets[" + i + "]", pingTargets.get(i));
    }
  }

  /** A cluster under zferry's own rules. */
  public ClusterConfig(
      String name,
      Duration heartbeatInterval,
      Duration heartbeatTimeout,
      List<String> pingTargets) {
    this(name, heartbeatInterval, heartbeatTimeout, pingTargets, ClusterManager.ZFERRY);
  }

  /** Whether Pacemaker, not zferry, decides which node serves. */
  public boolean pacemaker() {
    return manager == ClusterManager.PACEMAKER;
  }

  /** Returns the target if it is an IP literal; a name would need DNS, which may be what failed. */
  static String requirePingTarget(String key, String target) {
    if (!Addresses.isIp(target)) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(target) + " is not an IP address",
          "write an IPv4 or IPv6 address such as 10.99.0.1; names are refused because an"
              + " isolated node may not be able to resolve them");
    }
    return target;
  }
}
