package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import io.zferry.service.config.Vip;
import io.zferry.service.failover.Decision;
import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A service's status on this node for the operator: role, lag, snapshots, transfer, decision. */
final class ServiceStatusView {
  private final String self;
  private final ServiceConfig config;
  private final StateStore store;
  private final Zfs localZfs;
  private final PeerClient peerClient;
  private final PullLoop pullLoop;
  private final ActiveDuties active;
  private final Supplier<Settings> settings;
  private final Supplier<Decision> decision;
  private final Clock clock;

  ServiceStatusView(
      String self,
      ServiceConfig config,
      StateStore store,
      Zfs localZfs,
      PeerClient peerClient,
      PullLoop pullLoop,
      ActiveDuties active,
      Supplier<Settings> settings,
      Supplier<Decision> decision,
      Clock clock) {
    this.self = self;
    this.config = config;
    this.store = store;
    this.localZfs = localZfs;
    this.peerClient = peerClient;
    this.pullLoop = pullLoop;
    this.active = active;
    this.settings = settings;
    this.decision = decision;
    this.clock = clock;
  }

  private String name() {
    return config.name().value();
  }

  ServiceStatus status() {
    ServiceState state = store.serviceState(name()).orElseThrow();
    Role role = state.isActive(self) ? Role.ACTIVE : Role.PASSIVE;
    Settings settings = this.settings.get();
    Optional<Snapshot> newestLocal = newestLocal();
    Long lag;
    SnapshotView applied;
    if (role == Role.PASSIVE) {
      // What this node applied: known from the last pull, or after a restart its newest snapshot.
      Optional<Snapshot> lastApplied = pullLoop.lastApplied();
      Optional<Snapshot> appliedHere = lastApplied.isPresent() ? lastApplied : newestLocal;
      lag =
          appliedHere
              .map(s -> Duration.between(s.creation(), clock.instant()).toSeconds())
              .orElse(null);
      applied = appliedHere.map(StatusMapping::snapshot).orElse(null);
    } else {
      // The active knows the passive's progress from the passive's own status.
      // Asked now (cached briefly): nothing else keeps the passive's full status fresh.
      Optional<ServiceStatus> peerView = peerClient.status().flatMap(this::serviceOf);
      lag = peerView.map(ServiceStatus::lagSeconds).orElse(null);
      applied = peerView.map(ServiceStatus::lastAppliedSnapshot).orElse(null);
    }
    return new ServiceStatus(
        name(),
        config.pool().value(),
        state.activeNode(),
        role.json(),
        state.epoch(),
        state.lock().isPresent(),
        lag,
        applied,
        newestLocal.map(StatusMapping::snapshot).orElse(null),
        config.vips().stream().map(Vip::cidr).toList(),
        pullLoop.transfer().map(StatusMapping::transfer).orElse(null),
        lastRun().orElse(null),
        role == Role.ACTIVE ? active.nextSnapshotRound().map(Instant::toString).orElse(null) : null,
        new SettingsView(
            DurationText.format(settings.snapshotInterval()),
            settings.retentionCount(),
            DurationText.format(settings.pullInterval()),
            DurationText.format(settings.rollbackWindow())),
        decision.get().describe(),
        state.lock().map(StatusMapping::lock).orElse(null),
        active.vipsHeld(),
        active.vipProblems(),
        active.lastHooks().map(StatusMapping::hooks).orElse(null),
        role == Role.ACTIVE
            ? active.keptForTransfer().stream().map(Object::toString).toList()
            : List.of());
  }

  private Optional<ServiceStatus> serviceOf(NodeStatus status) {
    return status.services().stream().filter(s -> s.name().equals(name())).findFirst();
  }

  private Optional<Snapshot> newestLocal() {
    try {
      List<Snapshot> root =
          localZfs.listSnapshots(config.pool()).snapshots().stream()
              .filter(s -> s.dataset().equals(config.pool()))
              .toList();
      return root.isEmpty() ? Optional.empty() : Optional.of(root.get(root.size() - 1));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<RunView> lastRun() {
    return store.recentRuns(name(), 1).stream().findFirst().map(StatusMapping::run);
  }
}
