package io.zferry.service.daemon;

import io.zferry.lockstate.ReplicationRun;
import io.zferry.lockstate.RunResult;
import io.zferry.lockstate.StateStore;
import io.zferry.service.Version;
import io.zferry.service.metrics.NodeCounters;
import io.zferry.service.metrics.NodeSample;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Zfs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** What {@code /metrics} shows: the status of each service plus counts and snapshot numbers. */
final class NodeMetrics {
  private final String cluster;
  private final String self;
  private final List<PeerPresence> peers;
  private final Supplier<List<ServiceStatus>> services;
  private final Zfs localZfs;
  private final StateStore store;
  private final NodeCounters counters;

  NodeMetrics(
      String cluster,
      String self,
      List<PeerPresence> peers,
      Supplier<List<ServiceStatus>> services,
      Zfs localZfs,
      StateStore store,
      NodeCounters counters) {
    this.cluster = cluster;
    this.self = self;
    this.peers = List.copyOf(peers);
    this.services = services;
    this.localZfs = localZfs;
    this.store = store;
    this.counters = counters;
  }

  NodeSample sample() {
    List<NodeSample.ServiceSample> samples = new ArrayList<>();
    for (ServiceStatus status : services.get()) {
      samples.add(
          new NodeSample.ServiceSample(
              status,
              snapshotCount(status.pool()),
              lastSuccessfulPull(status.name()),
              counters.counts(status.name())));
    }
    return new NodeSample(
        cluster,
        self,
        Version.text(),
        peers.stream()
            .map(p -> new NodeSample.PeerSample(p.name(), p.up(), p.lastAnswer()))
            .toList(),
        samples,
        counters.zfsCommands());
  }

  private OptionalLong snapshotCount(String pool) {
    try {
      DatasetName root = new DatasetName(pool);
      return OptionalLong.of(
          localZfs.listSnapshots(root).snapshots().stream()
              .filter(s -> s.dataset().equals(root))
              .count());
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  // Pulls are recorded every pull interval; the newest hundred hold the last success unless
  // every one of them failed, and then the lag says more than its time would.
  private Optional<Instant> lastSuccessfulPull(String service) {
    return store.recentRuns(service, 100).stream()
        .filter(run -> run.result() == RunResult.OK)
        .findFirst()
        .map(ReplicationRun::finished);
  }
}
