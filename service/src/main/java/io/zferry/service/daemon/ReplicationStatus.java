package io.zferry.service.daemon;

import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.service.status.StatusViews.TransferView;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.TransferActivity;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
      Long lagSeconds, SnapshotView lastApplied, SnapshotView newestLocal, TransferView transfer) {}

  private final String service;
  private final DatasetName pool;
  private final Supplier<Optional<Snapshot>> lastPulled;
  private final Supplier<Optional<TransferActivity>> transfer;
  private final Zfs localZfs;
  private final Supplier<Optional<NodeStatus>> peerStatus;
  private final Clock clock;

  /**
   * @param lastPulled the snapshot this node's last pull applied, if it pulled since it started
   * @param transfer this node's pull under way, if any
   * @param peerStatus the peer's status, or empty when it does not answer
   */
  ReplicationStatus(
      String service,
      DatasetName pool,
      Supplier<Optional<Snapshot>> lastPulled,
      Supplier<Optional<TransferActivity>> transfer,
      Zfs localZfs,
      Supplier<Optional<NodeStatus>> peerStatus,
      Clock clock) {
    this.service = service;
    this.pool = pool;
    this.lastPulled = lastPulled;
    this.transfer = transfer;
    this.localZfs = localZfs;
    this.peerStatus = peerStatus;
    this.clock = clock;
  }

  Replication of(Role role) {
    Optional<Snapshot> newestLocal = newestLocal();
    Long lag;
    SnapshotView applied;
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
      // The active knows the passive's progress from the passive's own status.
      // Asked now (cached briefly): nothing else keeps the passive's full status fresh.
      Optional<ServiceStatus> peerView = peerStatus.get().flatMap(this::serviceOf);
      lag = peerView.map(ServiceStatus::lagSeconds).orElse(null);
      applied = peerView.map(ServiceStatus::lastAppliedSnapshot).orElse(null);
    }
    return new Replication(
        lag,
        applied,
        newestLocal.map(StatusMapping::snapshot).orElse(null),
        transfer.get().map(StatusMapping::transfer).orElse(null));
  }

  private Optional<ServiceStatus> serviceOf(NodeStatus status) {
    return status.services().stream().filter(s -> s.name().equals(service)).findFirst();
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
