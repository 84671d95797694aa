package io.zferry.service.config;

import io.zferry.service.model.NodeName;
import io.zferry.snapshot.zfs.ZfsNames;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One of the cluster's nodes (two, or under Pacemaker up to nine).
 *
 * @param name the node's name; also the alias its SSH host key is pinned under in known_hosts
 * @param address host name or IP address the peer uses to reach this node, for replication (SSH)
 *     and for the API
 * @param sshPort TCP port of this node's sshd
 * @param apiPort TCP port of this node's API (and GUI)
 * @param pullInterval how often this node pulls as a passive, instead of the service's setting (an
 *     off-site passive that pulls hourly); empty for the service's
 * @param bandwidthLimit this node's replication rate limit as a passive, bytes per second (0 for
 *     none), instead of the service's; empty for the service's
 */
public record NodeConfig(
    NodeName name,
    String address,
    int sshPort,
    int apiPort,
    Optional<Duration> pullInterval,
    OptionalLong bandwidthLimit) {
  public static final int DEFAULT_SSH_PORT = 22;

  public NodeConfig {
    Objects.requireNonNull(name, "name");
    requireAddress("address", address);
    IntRange.TCP_PORT.check("sshPort", sshPort);
    IntRange.TCP_PORT.check("apiPort", apiPort);
    Objects.requireNonNull(pullInterval, "pullInterval");
    Objects.requireNonNull(bandwidthLimit, "bandwidthLimit");
    pullInterval.ifPresent(i -> Settings.PULL_INTERVAL_RANGE.check("pullInterval", i));
    bandwidthLimit.ifPresent(b -> Settings.requireBandwidthLimit("bandwidthLimit", b));
  }

  /** A node that pulls as each service says. */
  public NodeConfig(NodeName name, String address, int sshPort, int apiPort) {
    this(name, address, sshPort, apiPort, Optional.empty(), OptionalLong.empty());
  }

  /** A service's settings as this node pulls by them: its own pull interval and limit, if set. */
  public Settings pullingBy(Settings service) {
    if (pullInterval.isEmpty() && bandwidthLimit.isEmpty()) {
      return service;
    }
    return new Settings(
        service.snapshotInterval(),
        service.retentionCount(),
        pullInterval.orElse(service.pullInterval()),
        service.stallTimeout(),
        bandwidthLimit.orElse(service.bandwidthLimitBytesPerSecond()),
        service.passiveHold());
  }

  /** Returns {@code address} if it is an IP literal or a host name. */
  static String requireAddress(String key, String address) {
    if (!Addresses.isIp(address) && !Addresses.isHostName(address)) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(address) + " is neither an IP address nor a host name",
          "write an address such as 10.99.0.11 or fd00::11, or a host name such as node-a.example");
    }
    return address;
  }
}
