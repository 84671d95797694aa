package io.zferry.service.metrics;

import io.zferry.service.status.StatusViews.ServiceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything {@code /metrics} shows for one node at one moment, read before rendering so that
 * rendering is pure.
 *
 * @param peers each other node as the heartbeats see it: one of two nodes, up to eight under
 *     Pacemaker
 */
public record NodeSample(
    String cluster,
    String node,
    String version,
    List<PeerSample> peers,
    List<ServiceSample> services,
    Map<String, Map<String, Long>> zfsCommands) {
  public NodeSample {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(version, "version");
    peers = List.copyOf(peers);
    services = List.copyOf(services);
    zfsCommands = Map.copyOf(zfsCommands);
  }

  /** Of two nodes: the one peer. */
  public NodeSample(
      String cluster,
      String node,
      String version,
      String peer,
      boolean peerUp,
      Optional<Instant> peerLastAnswer,
      List<ServiceSample> services,
      Map<String, Map<String, Long>> zfsCommands) {
    this(
        cluster,
        node,
        version,
        List.of(new PeerSample(peer, peerUp, peerLastAnswer)),
        services,
        zfsCommands);
  }

  /**
   * @param up whether the node's API answered the last heartbeat in time
   * @param lastAnswer when its API last answered, if ever
   */
  public record PeerSample(String name, boolean up, Optional<Instant> lastAnswer) {
    public PeerSample {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(lastAnswer, "lastAnswer");
    }
  }

  /**
   * One service on this node.
   *
   * @param status what {@code /api/v1/status} says of it
   * @param snapshots how many snapshots of the pool's root dataset this node holds; empty if the
   *     pool could not be listed
   * @param lastSuccessfulPull when this node's last pull that succeeded ended, if on record
   * @param counts what this node counted since zferryd started
   */
  public record ServiceSample(
      ServiceStatus status,
      OptionalLong snapshots,
      Optional<Instant> lastSuccessfulPull,
      NodeCounters.Counts counts) {
    public ServiceSample {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(snapshots, "snapshots");
      Objects.requireNonNull(lastSuccessfulPull, "lastSuccessfulPull");
      Objects.requireNonNull(counts, "counts");
    }
  }
}
