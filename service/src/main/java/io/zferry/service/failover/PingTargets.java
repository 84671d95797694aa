package io.zferry.service.failover;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.HostException;
import java.time.Duration;
import java.util.List;

/**
 * Whether this node reaches any of its ping targets (design §5 rule 3). One answer is enough: the
 * question is whether this node is cut off, not whether every target is healthy.
 */
public final class PingTargets {
  private static final Duration PER_TARGET = Duration.ofSeconds(3);

  private final Host host;
  private final List<String> targets;

  /**
   * @param targets IP literals, validated by the config
   */
  public PingTargets(Host host, List<String> targets) {
    this.host = host;
    this.targets = List.copyOf(targets);
  }

  public Isolation check() {
    if (targets.isEmpty()) {
      return Isolation.NOT_CHECKED;
    }
    for (String target : targets) {
      // Two echo requests, so a single lost packet does not declare the node isolated.
      Command ping = Command.of("ping", "-n", "-q", "-c", "2", "-i", "0.2", "-W", "1", target);
      try {
        if (host.run(ping, PER_TARGET).succeeded()) {
          return Isolation.CONNECTED;
        }
      } catch (HostException e) {
        // A ping that hangs past its own deadline has not reached the target either.
      }
    }
    return Isolation.ISOLATED;
  }
}
