package io.zferry.lockstate;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Registering services and changing their owner: every change raises the epoch in a compare-and-set
 * and writes its events in the same transaction.
 */
final class ServiceOwnership {
  private final SqliteTransactions transactions;
  private final ServiceTable services;
  private final AppliedSnapshots applied;
  private final EventLog events;
  private final Clock clock;

  ServiceOwnership(
      SqliteTransactions transactions,
      ServiceTable services,
      AppliedSnapshots applied,
      EventLog events,
      Clock clock) {
    this.transactions = transactions;
    this.services = services;
    this.applied = applied;
    this.events = events;
    this.clock = clock;
  }

  /** {@link StateStore#initialiseService}. */
  ServiceState initialise(String service, String activeNode) {
    Checks.name("service", service);
    Checks.name("active node", activeNode);
    return transactions.write(
        "registering service " + Checks.printable(service),
        c -> {
          Optional<ServiceState> stored = services.select(c, service);
          if (stored.isPresent()) {
            return stored.get();
          }
          services.insert(c, service, activeNode, 0, Optional.empty());
          events.insert(
              c,
              EventKind.CONFIG,
              service,
              activeNode,
              StateStore.SYSTEM_ACTOR,
              "service registered with active node " + activeNode + " at epoch 0");
          return services.require(c, service);
        });
  }

  /** {@link StateStore#serviceState}. */
  Optional<ServiceState> state(String service) {
    Checks.name("service", service);
    return transactions.read(
        "reading service " + Checks.printable(service), c -> services.select(c, service));
  }

  /** {@link StateStore#services}. */
  List<ServiceState> all() {
    return transactions.read("listing services", services::selectAll);
  }

  /** {@link StateStore#changeOwner}. */
  ServiceState changeOwner(
      String service,
      long expectedEpoch,
      String newActiveNode,
      String actor,
      String reason,
      boolean lock) {
    Checks.name("service", service);
    Checks.name("new active node", newActiveNode);
    Checks.label("actor", actor);
    Checks.label("reason", reason);
    return transactions.write(
        "changing the owner of service " + Checks.printable(service) + " to " + newActiveNode,
        c -> {
          ServiceState current = services.require(c, service);
          services.requireEpoch(current, expectedEpoch, "make " + newActiveNode + " its owner");
          long newEpoch = Math.addExact(current.epoch(), 1);
          Optional<SyncLock> newLock = current.lock();
          boolean locking = lock && current.lock().isEmpty();
          if (locking) {
            SyncLock fresh = SyncLock.of(reason, SqlValues.now(clock), actor);
            Optional<AppliedSnapshot> common = applied.select(c, service, newActiveNode);
            if (common.isPresent()) {
              fresh = fresh.withLastCommon(common.get().snapshotName(), common.get().guid());
            }
            newLock = Optional.of(fresh);
          }
          services.update(c, service, current.epoch(), newActiveNode, newEpoch, newLock);
          events.insert(
              c,
              EventKind.ROLE_CHANGE,
              service,
              newActiveNode,
              actor,
              "active node "
                  + current.activeNode()
                  + " -> "
                  + newActiveNode
                  + ", epoch "
                  + current.epoch()
                  + " -> "
                  + newEpoch
                  + ": "
                  + reason);
          if (locking) {
            events.insert(
                c,
                EventKind.SYNC_LOCKED,
                service,
                newActiveNode,
                actor,
                SyncLocks.describe(newLock.get()));
          }
          return services.require(c, service);
        });
  }

  /** {@link StateStore#adoptPeerState}. */
  ServiceState adoptPeerState(
      String service, String activeNode, long epoch, Optional<SyncLock> lock, String actor) {
    Checks.name("service", service);
    Checks.name("active node", activeNode);
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "the peer's epoch of service " + Checks.printable(service) + " is negative: " + epoch);
    }
    Checks.present("lock", lock);
    Checks.label("actor", actor);
    return transactions.write(
        "adopting the peer's state of service " + Checks.printable(service),
        c -> {
          Optional<ServiceState> stored = services.select(c, service);
          if (stored.isEmpty()) {
            services.insert(c, service, activeNode, epoch, lock);
            events.insert(
                c,
                EventKind.ROLE_CHANGE,
                service,
                activeNode,
                actor,
                "service registered from the peer's state: active node "
                    + activeNode
                    + " at epoch "
                    + epoch);
            if (lock.isPresent()) {
              events.insert(
                  c,
                  EventKind.SYNC_LOCKED,
                  service,
                  activeNode,
                  actor,
                  SyncLocks.describe(lock.get()));
            }
            return services.require(c, service);
          }
          ServiceState current = stored.get();
          if (epoch < current.epoch()) {
            throw services.conflict(
                current,
                epoch,
                "the peer's epoch "
                    + epoch
                    + " (active node "
                    + activeNode
                    + ") is older than the stored one. Fix: none needed here; the peer must adopt"
                    + " this node's state instead.");
          }
          if (epoch == current.epoch()) {
            if (current.activeNode().equals(activeNode)) {
              return current;
            }
            throw services.conflict(
                current,
                epoch,
                "the peer claims the same epoch with active node "
                    + activeNode
                    + ": both nodes made themselves owner. Fix: an operator must choose the"
                    + " owner with `zferry failover "
                    + service
                    + " --to NODE --force`, which raises the epoch above both.");
          }
          services.update(c, service, current.epoch(), activeNode, epoch, lock);
          events.insert(
              c,
              EventKind.ROLE_CHANGE,
              service,
              activeNode,
              actor,
              "adopted the peer's state: active node "
                  + current.activeNode()
                  + " -> "
                  + activeNode
                  + ", epoch "
                  + current.epoch()
                  + " -> "
                  + epoch);
          ServiceState adopted = services.require(c, service);
          if (!adopted.lock().equals(current.lock())) {
            if (adopted.lock().isPresent()) {
              events.insert(
                  c,
                  EventKind.SYNC_LOCKED,
                  service,
                  activeNode,
                  actor,
                  SyncLocks.describe(adopted.lock().get()) + " (adopted from the peer)");
            } else {
              events.insert(
                  c,
                  EventKind.SYNC_UNLOCKED,
                  service,
                  activeNode,
                  actor,
                  "sync unlocked: the peer holds no lock at epoch "
                      + epoch
                      + " (it was "
                      + SyncLocks.describe(current.lock().get())
                      + ")");
            }
          }
          return adopted;
        });
  }
}
