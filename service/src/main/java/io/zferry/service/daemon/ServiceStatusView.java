package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import io.zferry.service.config.Vip;
import io.zferry.service.failover.Decision;
import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A service's status on this node for the operator: role, lag, snapshots, transfer, decision. */
final class ServiceStatusView {
  private final String self;
  private final ServiceConfig config;
  private final StateStore store;
  private final ReplicationStatus replication;
  private final ActiveDuties active;
  private final Supplier<Settings> settings;
  private final java.util.function.UnaryOperator<Settings> pullingHere;
  private final Supplier<Decision> decision;

  /**
   * @param replication the lag, the snapshots and the transfer: what pulls and the peer say
   * @param active the active's duties: snapshot rounds, VIPs, hooks
   * @param settings the settings in force, with the operator's run-time changes
   * @param pullingHere the settings as this node pulls by them as a passive (its own pull interval
   *     and limit, if it has them)
   * @param decision the control loop's last decision
   */
  ServiceStatusView(
      String self,
      ServiceConfig config,
      StateStore store,
      ReplicationStatus replication,
      ActiveDuties active,
      Supplier<Settings> settings,
      java.util.function.UnaryOperator<Settings> pullingHere,
      Supplier<Decision> decision) {
    this.self = self;
    this.config = config;
    this.store = store;
    this.replication = replication;
    this.active = active;
    this.settings = settings;
    this.pullingHere = pullingHere;
    this.decision = decision;
  }

  private String name() {
    return config.name().value();
  }

  ServiceStatus status() {
    ServiceState state = store.serviceState(name()).orElseThrow();
    Role role = state.isActive(self) ? Role.ACTIVE : Role.PASSIVE;
    Settings settings =
        role == Role.PASSIVE ? pullingHere.apply(this.settings.get()) : this.settings.get();
    ReplicationStatus.Replication progress = replication.of(role);
    return new ServiceStatus(
        name(),
        config.pool().value(),
        state.activeNode(),
        role.json(),
        state.epoch(),
        state.lock().isPresent(),
        progress.lagSeconds(),
        progress.lastApplied(),
        progress.newestLocal(),
        config.vips().stream().map(Vip::cidr).toList(),
        progress.transfer(),
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
            : List.of(),
        progress.passives());
  }

  private Optional<RunView> lastRun() {
    return store.recentRuns(name(), 1).stream().findFirst().map(StatusMapping::run);
  }
}
