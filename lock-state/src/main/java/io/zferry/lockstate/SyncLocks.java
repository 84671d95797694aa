package io.zferry.lockstate;

import java.util.Objects;
import java.util.Optional;

/** Sets and clears a service's sync lock: a compare-and-set on the epoch, with its event. */
final class SyncLocks {
  private final SqliteTransactions transactions;
  private final ServiceTable services;
  private final EventLog events;

  SyncLocks(SqliteTransactions transactions, ServiceTable services, EventLog events) {
    this.transactions = transactions;
    this.services = services;
    this.events = events;
  }

  /** {@link StateStore#lockSync}. */
  ServiceState lock(String service, long expectedEpoch, SyncLock lock) {
    Checks.name("service", service);
    Objects.requireNonNull(lock, "lock");
    return transactions.write(
        "locking the sync of service " + Checks.printable(service),
        c -> {
          ServiceState current = services.require(c, service);
          services.requireEpoch(current, expectedEpoch, "lock its sync");
          if (current.isLocked()) {
            return current;
          }
          Optional<SyncLock> newLock = Optional.of(lock);
          services.update(
              c, service, current.epoch(), current.activeNode(), current.epoch(), newLock);
          events.insert(
              c,
              EventKind.SYNC_LOCKED,
              service,
              current.activeNode(),
              lock.lockedBy(),
              describe(lock));
          return services.require(c, service);
        });
  }

  /** {@link StateStore#unlockSync}. */
  ServiceState unlock(String service, long expectedEpoch, String actor, String reason) {
    Checks.name("service", service);
    Checks.label("actor", actor);
    Checks.label("reason", reason);
    return transactions.write(
        "unlocking the sync of service " + Checks.printable(service),
        c -> {
          ServiceState current = services.require(c, service);
          services.requireEpoch(current, expectedEpoch, "unlock its sync");
          if (!current.isLocked()) {
            return current;
          }
          services.update(
              c, service, current.epoch(), current.activeNode(), current.epoch(), Optional.empty());
          events.insert(
              c,
              EventKind.SYNC_UNLOCKED,
              service,
              current.activeNode(),
              actor,
              "sync unlocked: " + reason + " (it was " + describe(current.lock().get()) + ")");
          return services.require(c, service);
        });
  }

  /** A lock as its events describe it. */
  static String describe(SyncLock lock) {
    return "sync locked since "
        + lock.since()
        + " by "
        + lock.lockedBy()
        + ": "
        + lock.reason()
        + lock.lastCommonSnapshot()
            .map(
                name ->
                    "; last common snapshot "
                        + name
                        + " (guid "
                        + lock.lastCommonGuid().get()
                        + ")")
            .orElse("; last common snapshot unknown");
  }
}
