package io.zferry.service.daemon;

import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PassiveView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.service.status.StatusViews.TransferView;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.TransferActivity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How far a service's replication has come, as this node sees it: the lag and the snapshot the
 * passive applied, this node's newest snapshot of the pool root, and the transfer under way.
 */
final class ReplicationStatus {
  /**
   * What the status shows of replication; null fields are unknown.
   *
   * @param lagSeconds now − creation of the snapshot the passive applied last
   */
  record Replication(
      Long lagSeconds,
      SnapshotView lastApplied,
      SnapshotView newestLocal,
      TransferView transfer,
      List<PassiveView> passives) {}

  private final String service;
  private final DatasetName pool;
  private final Supplier<Optional<Snapshot>> lastPulled;
  private final Supplier<Optional<TransferActivity>> transfer;
  private final Zfs localZfs;
  private final Supplier<Map<String, Optional<NodeStatus>>> peerStatuses;
  private final Clock clock;

  /**
   * @param lastPulled the snapshot this node's last pull applied, if it pulled since it started
   * @param transfer this node's pull under way, if any
   * @param peerStatuses each other node's status, or empty when it does not answer, in the order
   *     configured
   */
  ReplicationStatus(
      String service,
      DatasetName pool,
      Supplier<Optional<Snapshot>> lastPulled,
      Supplier<Optional<TransferActivity>> transfer,
      Zfs localZfs,
      Supplier<Map<String, Optional<NodeStatus>>> peerStatuses,
      Clock clock) {
    this.service = service;
    this.pool = pool;
    this.lastPulled = lastPulled;
    this.transfer = transfer;
    this.localZfs = localZfs;
    this.peerStatuses = peerStatuses;
    this.clock = clock;
  }

  Replication of(Role role) {
    Optional<Snapshot> newestLocal = newestLocal();
    Long lag;
    SnapshotView applied;
    List<PassiveView> passives = List.of();
    if (role == Role.PASSIVE) {
      // What this node applied: known from the last pull, or after a restart its newest snapshot.
      Optional<Snapshot> lastApplied = lastPulled.get();
      Optional<Snapshot> appliedHere = lastApplied.isPresent() ? lastApplied : newestLocal;
      lag =
          appliedHere
              .map(s -> Duration.between(s.creation(), clock.instant()).toSeconds())
              .orElse(null);
      applied = appliedHere.map(StatusMapping::snapshot).orElse(null);
    } else {
      // The active knows each passive's progress from the passive's own status, asked now (cached
      // briefly): nothing else keeps the passive's full status fresh.
      passives = new ArrayList<>();
      PassiveView best = null;
      for (Map.Entry<String, Optional<NodeStatus>> peer : peerStatuses.get().entrySet()) {
        Optional<ServiceStatus> seen = peer.getValue().flatMap(s -> s.service(service));
        PassiveView passive =
            new PassiveView(
                peer.getKey(),
                seen.isPresent(),
                seen.map(ServiceStatus::lagSeconds).orElse(null),
                seen.map(ServiceStatus::lastAppliedSnapshot).orElse(null),
                seen.map(ServiceStatus::settings).map(SettingsView::pullInterval).orElse(null));
        passives.add(passive);
        if (passive.lagSeconds() != null
            && (best == null || passive.lagSeconds() < best.lagSeconds())) {
          best = passive;
        }
      }
      // The smallest lag: what a takeover of the most up-to-date passive would lose.
      lag = best == null ? null : best.lagSeconds();
      applied = best == null ? null : best.lastApplied();
    }
    return new Replication(
        lag,
        applied,
        newestLocal.map(StatusMapping::snapshot).orElse(null),
        transfer.get().map(StatusMapping::transfer).orElse(null),
        passives);
  }

  private Optional<Snapshot> newestLocal() {
    try {
      List<Snapshot> root =
          localZfs.listSnapshots(pool).snapshots().stream()
              .filter(s -> s.dataset().equals(pool))
              .toList();
      return root.isEmpty() ? Optional.empty() : Optional.of(root.get(root.size() - 1));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
