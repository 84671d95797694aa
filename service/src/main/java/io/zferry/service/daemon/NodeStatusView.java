package io.zferry.service.daemon;

import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PeerStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** This node's status for the operator ({@code GET /status}): its services and its peer. */
final class NodeStatusView {
  private final String self;
  private final String cluster;
  private final Supplier<List<ServiceStatus>> services;
  private final List<PeerPresence> peers;
  private final Clock clock;

  NodeStatusView(
      String self,
      String cluster,
      Supplier<List<ServiceStatus>> services,
      List<PeerPresence> peers,
      Clock clock) {
    this.self = self;
    this.cluster = cluster;
    this.services = services;
    this.peers = List.copyOf(peers);
    this.clock = clock;
  }

  NodeStatus status() {
    List<PeerStatus> all = peers.stream().map(PeerPresence::status).toList();
    return new NodeStatus(
        self, cluster, clock.instant().toString(), services.get(), all.get(0), all);
  }
}
