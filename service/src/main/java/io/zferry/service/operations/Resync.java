package io.zferry.service.operations;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.DatasetProperties;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Remount;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old active's half of mark-sync-as-fixed: keep what this node holds after the last common
 * snapshot aside (or discard it, if the operator chose so), roll back, pull from the owner, and
 * clear this node's lock. The sync stays locked whenever the pull did not succeed.
 */
public final class Resync {
  private static final Logger log = LoggerFactory.getLogger(Resync.class);
  private static final PropertyName TYPE = PropertyName.of("type");
  private static final PropertyName MOUNTPOINT = PropertyName.of("mountpoint");
  private static final PropertyName MOUNTED = PropertyName.of("mounted");

  /** What a resync asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    /** The owner, pulled from. */
    String peer();

    /** One pull cycle resolving divergence as the operator chose; empty if it did not run. */
    Optional<PullReport> pull(Puller.Divergence how);

    /** A short pause before the one retry after a failed connection. */
    void pauseBeforeRetry();
  }

  private final Local local;
  private final StateStore store;
  private final Zfs zfs;
  private final DatasetName pool;
  private final Clock clock;

  public Resync(Local local, StateStore store, Zfs zfs, DatasetName pool, Clock clock) {
    this.local = local;
    this.store = store;
    this.zfs = zfs;
    this.pool = pool;
    this.clock = clock;
  }

  public ResyncResult run(Puller.Divergence how, String actor) {
    String service = local.service();
    ServiceState record = store.serviceState(service).orElseThrow();
    if (record.isActive(local.self())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          local.self() + " owns " + service + "; the node to resync is the other one");
    }
    // Writes never snapshotted would be rolled back unseen: a snapshot now makes them part of the
    // divergence, so they are kept aside with the rest.
    zfs.snapshot(pool, SnapshotNaming.rescueNameAt(clock.instant()), true);
    Optional<PullReport> attempt = local.pull(how);
    if (worthRetrying(attempt)) {
      // A connection that failed at a bad moment: what was done so far (the copy aside, the
      // rollback) is not done again, the next cycle starts from where the first one stopped.
      log.warn(
          "{}: resync from {} failed once, trying again: {}",
          service,
          local.peer(),
          attempt.map(PullReport::summary).orElse("the cycle did not run"));
      local.pauseBeforeRetry();
      attempt = local.pull(how);
    }
    PullReport report =
        attempt.orElseThrow(
            () ->
                new OperationException(
                    OperationException.Kind.FAILED,
                    "the pull from "
                        + local.peer()
                        + " failed; see `zferry status` on "
                        + local.self()));
    if (report.diverged() || !report.succeeded()) {
      throw new OperationException(
          OperationException.Kind.FAILED,
          "the sync stays locked: "
              + report.summary()
              + report.notes().stream().map(n -> "; " + n).reduce("", String::concat)
              + (report.diverged() && how != Puller.Divergence.DISCARD_AND_RESYNC
                  ? "; to roll back without keeping a copy, add --discard-divergent"
                  : ""));
    }
    SyncUnlock.run(
        store, service, local.self(), record.epoch(), actor, "mark-sync-as-fixed by " + actor);
    return new ResyncResult(
        local.self(),
        report.setAside().stream().map(this::describeCopy).toList(),
        report.notes(),
        report.summary());
  }

  /**
   * Whether one more cycle could end otherwise: a cycle that did not run, or failed for a reason
   * that may pass. Divergence, a pool without room for the copy aside and permanent failures are
   * the same two seconds later, so the operator hears of them at once.
   */
  private static boolean worthRetrying(Optional<PullReport> attempt) {
    if (attempt.isEmpty()) {
      return true;
    }
    PullReport report = attempt.get();
    if (report.succeeded() || report.diverged()) {
      return false;
    }
    return report.outcomes().stream()
        .noneMatch(
            o ->
                o instanceof DatasetOutcome.NoRoomToKeep
                    || (o instanceof DatasetOutcome.Failed failed && failed.permanent()));
  }

  /**
   * Where an operator reads a copy aside: at its mount, at a volume's device, or, where it is not
   * mounted (an encrypted copy whose key is not loaded here), where it will be mounted and why not.
   * The lock is cleared by then, so a listing that fails names the copy and says why, rather than
   * turning the done resync into an error.
   */
  private String describeCopy(DatasetName copy) {
    try {
      return describe(copy, properties(copy));
    } catch (RuntimeException e) {
      log.warn("{}: cannot tell where {} can be read: {}", local.service(), copy, e.getMessage());
      return copy + " (where it can be read is unknown: " + e.getMessage() + ")";
    }
  }

  private DatasetProperties properties(DatasetName copy) {
    return zfs.listProperties(copy, Remount.mountState(zfs)).stream()
        .filter(p -> p.dataset().equals(copy))
        .findFirst()
        .orElse(new DatasetProperties(copy, Map.of()));
  }

  private static String describe(DatasetName copy, DatasetProperties props) {
    if (props.is(TYPE, "volume")) {
      return copy + " (a volume: /dev/zvol/" + copy + ")";
    }
    Optional<String> mountpoint = props.get(MOUNTPOINT).filter(m -> m.startsWith("/"));
    if (mountpoint.isEmpty()) {
      return copy.value();
    }
    if (props.is(MOUNTED, "yes")) {
      return copy + " (mounted at " + mountpoint.get() + ")";
    }
    return copy
        + " (at "
        + mountpoint.get()
        + ", not mounted"
        + (props.is(Remount.KEYSTATUS, "unavailable") ? ": its key is not loaded" : "")
        + ")";
  }
}
