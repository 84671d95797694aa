package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.status.HeartbeatView.AppliedView;
import io.zferry.service.status.HeartbeatView.HealthView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.snapshot.zfs.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This node's claim on a service for the peer's heartbeat: the stored record, the last snapshot
 * applied, and the pool's and control loop's health. Remembered values only: a heartbeat must
 * answer even while zfs hangs.
 */
final class ServiceClaimView {
  private final String service;
  private final String self;
  private final StateStore store;
  private final PoolHealthProbe poolHealth;
  private final LongSupplier controlIdleNanos;
  private final Supplier<List<Snapshot>> receiving;

  /**
   * @param controlIdleNanos how long the control loop has made no progress (zero while an operator
   *     action holds it on purpose)
   * @param receiving what this node's transfers need from the active, remembered by its pull loop
   */
  ServiceClaimView(
      String service,
      String self,
      StateStore store,
      PoolHealthProbe poolHealth,
      LongSupplier controlIdleNanos,
      Supplier<List<Snapshot>> receiving) {
    this.service = service;
    this.self = self;
    this.store = store;
    this.poolHealth = poolHealth;
    this.controlIdleNanos = controlIdleNanos;
    this.receiving = receiving;
  }

  ServiceClaim claim() {
    ServiceState state = store.serviceState(service).orElseThrow();
    return new ServiceClaim(
        service,
        state.activeNode(),
        state.epoch(),
        state.lock().map(StatusMapping::lock).orElse(null),
        store
            .lastApplied(service, self)
            .map(a -> new AppliedView(a.snapshotName(), a.guid()))
            .orElse(null),
        health(),
        receiving.get().stream()
            .map(s -> new AppliedView(s.name().toString(), s.guid().toString()))
            .toList());
  }

  private HealthView health() {
    long idle = controlIdleNanos.getAsLong();
    NodeHealth health = poolHealth.health(Duration.ofNanos(Math.max(0, idle)));
    return new HealthView(
        health.poolState(),
        health.zfsUnansweredFor().toSeconds(),
        health.controlIdleFor().toSeconds());
  }
}
