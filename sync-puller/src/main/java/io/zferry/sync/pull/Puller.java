package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.plan.ReplicationPlanner;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull cycle of a pool, run on the passive: list both sides once, plan each dataset with the
 * {@link ReplicationPlanner}, and carry the plans out parent first.
 *
 * <p>Datasets are replicated one by one ({@code zfs send -p [-I]}), not as one {@code -R} stream:
 * {@code zfs recv -F} of a replication stream destroys whatever the target has that the source
 * lacks, and zferry must never destroy target data it has not decided to destroy. Expiry is
 * explicit ({@link Plan#expire()}); data a bootstrap replaces is set aside first.
 *
 * <p>Datasets whose name has a component starting with {@value #SET_ASIDE_PREFIX} hold data set
 * aside on one node; they are never replicated in either direction.
 *
 * <p>The work is shared out: {@link DatasetPlanning} plans each dataset, {@link PlanExecution}
 * carries a plan out, {@link TransferRunner} streams and cancels transfers, {@link TargetMounts}
 * keeps the copy mounted and read-only, {@link SetAside} keeps what a pull replaces.
 */
public final class Puller {
  private static final Logger log = LoggerFactory.getLogger(Puller.class);

  public static final String SET_ASIDE_PREFIX = "zferry-aside-";

  /**
   * Set-aside copies are mounted beside the pool's mountpoint, not inside it: {@code
   * tank/zferry-aside-X} at {@code /tank.zferry-aside/zferry-aside-X}.
   */
  public static final String SET_ASIDE_MOUNT_SUFFIX = ".zferry-aside";

  private final Zfs source;
  private final Zfs target;
  private final DatasetName pool;
  private final Clock clock;
  private final TransferOptions transferOptions;
  private final TransferActivity.Listener activity;
  private final Divergence divergence;
  private final Consumer<ForeignRollback> announcer;
  private final boolean rawEverywhere;
  private final InFlightTransfers inFlight;
  private final StreamChoice streams;
  private final TransferRunner runner;
  private final TargetMounts mounts;
  private final DatasetPlanning planning;
  private final PlanExecution execution;

  public Puller(
      Zfs source,
      Zfs target,
      DatasetName pool,
      Clock clock,
      TransferOptions transferOptions,
      TransferActivity.Listener activity) {
    this(
        source,
        target,
        pool,
        clock,
        transferOptions,
        activity,
        Divergence.REPORT,
        r -> {},
        false,
        new InFlightTransfers());
  }

  private Puller(
      Zfs source,
      Zfs target,
      DatasetName pool,
      Clock clock,
      TransferOptions transferOptions,
      TransferActivity.Listener activity,
      Divergence divergence,
      Consumer<ForeignRollback> announcer,
      boolean rawEverywhere,
      InFlightTransfers inFlight) {
    if (!pool.isPool()) {
      throw new IllegalArgumentException("a pull replicates a whole pool, not " + pool);
    }
    this.source = source;
    this.target = target;
    this.pool = pool;
    this.clock = clock;
    this.transferOptions = transferOptions;
    this.activity = activity;
    this.divergence = divergence;
    this.announcer = announcer;
    this.rawEverywhere = rawEverywhere;
    this.inFlight = inFlight;
    this.streams = new StreamChoice(source, target, rawEverywhere);
    this.runner = new TransferRunner(source, target, pool, clock, transferOptions, activity);
    this.mounts = new TargetMounts(target, pool);
    this.planning = new DatasetPlanning(source);
    this.execution =
        new PlanExecution(
            source.hostName(),
            target,
            streams,
            runner,
            mounts,
            new SetAside(target, clock, transferOptions, mounts),
            divergence,
            announcer);
  }

  /** What a pull does with a dataset whose target holds snapshots after the newest common one. */
  public enum Divergence {
    /** Report it and send nothing: the normal cycle, since only an operator may decide. */
    REPORT,
    /** Copy the target's data aside, roll back to the common snapshot, then pull. */
    KEEP_ASIDE_AND_RESYNC,
    /** As above, but roll back even when the pool has no room for the copy. */
    DISCARD_AND_RESYNC
  }

  /** The same puller, resolving divergence as an operator decided ({@code mark-sync-as-fixed}). */
  public Puller resolvingDivergence(Divergence how) {
    return new Puller(
        source,
        target,
        pool,
        clock,
        transferOptions,
        activity,
        how,
        announcer,
        rawEverywhere,
        inFlight);
  }

  /**
   * The same puller, telling {@code announcer} (on the pulling thread) before it rolls back
   * snapshots another tool took on the target; each is in the report as well.
   */
  public Puller announcingRollbacks(Consumer<ForeignRollback> announcer) {
    return new Puller(
        source,
        target,
        pool,
        clock,
        transferOptions,
        activity,
        divergence,
        announcer,
        rawEverywhere,
        inFlight);
  }

  /**
   * The same puller, bootstrapping every dataset with raw sends ({@code replication.raw}), not only
   * encrypted ones. A pair keeps the flags it was bootstrapped with, so this applies to datasets
   * bootstrapped from now on.
   */
  public Puller withRawSends(boolean rawEverywhere) {
    return new Puller(
        source,
        target,
        pool,
        clock,
        transferOptions,
        activity,
        divergence,
        announcer,
        rawEverywhere,
        inFlight);
  }

  /**
   * The same puller, remembering the transfers under way or interrupted in {@code inFlight}: give
   * every cycle of a pool the same one, so an interrupted transfer is still reported (and kept by
   * the source's retention) in the cycles after it, and read it while a transfer runs.
   */
  public Puller trackingTransfersIn(InFlightTransfers inFlight) {
    return new Puller(
        source,
        target,
        pool,
        clock,
        transferOptions,
        activity,
        divergence,
        announcer,
        rawEverywhere,
        inFlight);
  }

  /**
   * Stops this puller for good: the transfer under way is killed on both sides and the cycle ends
   * with {@link PullCancelledException}. Called from another thread, such as a takeover that must
   * not wait for a stall timeout on a dead peer. zfs recv is atomic, so the target keeps its last
   * complete snapshot.
   */
  public void cancel() {
    runner.cancel();
  }

  public PullReport pullOnce() {
    runner.checkNotCancelled();
    Instant started = clock.instant();
    PullCycle cycle = new PullCycle(source, pool);
    SnapshotListing sourceListing = source.listSnapshots(pool);
    SnapshotListing targetListing = target.listSnapshots(pool);
    if (!sourceListing.refusedNames().isEmpty()) {
      cycle.notes.add(
          "snapshots on "
              + source.hostName()
              + " with names zferry does not accept are ignored: "
              + sourceListing.refusedNames());
    }
    Map<DatasetName, List<Snapshot>> onSource =
        DatasetPlanning.byDataset(sourceListing.snapshots());
    Map<DatasetName, List<Snapshot>> onTarget =
        DatasetPlanning.byDataset(targetListing.snapshots());

    Set<DatasetName> notCurrent = new HashSet<>();
    for (DatasetName dataset : DatasetPlanning.parentFirst(onSource.keySet())) {
      runner.checkNotCancelled();
      Optional<DatasetName> blockedAncestor =
          notCurrent.stream().filter(a -> a.contains(dataset)).findFirst();
      if (blockedAncestor.isPresent()) {
        cycle.outcomes.add(
            new DatasetOutcome.Skipped(
                dataset, "its parent " + blockedAncestor.get() + " is not up to date"));
        notCurrent.add(dataset);
        continue;
      }
      List<Snapshot> sourceSnapshots = onSource.getOrDefault(dataset, List.of());
      List<Snapshot> targetSnapshots = onTarget.getOrDefault(dataset, List.of());
      Plan plan =
          planning.plan(
              cycle, dataset, sourceSnapshots, targetSnapshots, inFlight.carried(dataset));
      inFlight.started(dataset, plan.transferNeeds());
      DatasetOutcome outcome = execution.carryOut(cycle, dataset, plan);
      cycle.outcomes.add(outcome);
      settleInFlight(cycle, dataset, outcome);
      if (!(outcome instanceof DatasetOutcome.Received
          || outcome instanceof DatasetOutcome.Current)) {
        notCurrent.add(dataset);
      }
    }
    inFlight.keepOnly(onSource.keySet());
    // A cancelled puller leaves the pool to whoever cancelled it, such as a takeover making it
    // writable: nothing below may run.
    runner.checkNotCancelled();
    boolean received = cycle.outcomes.stream().anyMatch(o -> o instanceof DatasetOutcome.Received);
    if (cycle.remountAtEnd || (received && mounts.staleMountWorthRemounting())) {
      mounts.remountTree(cycle, pool);
    }
    if (received && streams.receivesKeepReadOnly()) {
      mounts.mountReceived(cycle);
    }
    mounts.keepTargetReadOnly(cycle);

    // One listing per side while idle; the target is listed again only if the cycle changed it.
    Set<Guid> sourceGuids = new HashSet<>();
    sourceListing.snapshots().forEach(s -> sourceGuids.add(s.guid()));
    Optional<Snapshot> newestApplied =
        cycle.changedTarget()
            ? newestCommonOnTarget(
                DatasetPlanning.byDataset(target.listSnapshots(pool).snapshots()), sourceGuids)
            : newestCommonOnTarget(onTarget, sourceGuids);
    PullReport report =
        new PullReport(
            pool,
            started,
            clock.instant(),
            cycle.outcomes,
            newestApplied,
            inFlight.oldestNeeded(),
            cycle.setAside,
            cycle.expired,
            cycle.foreignRolledBack,
            cycle.notes);
    log.info("pull {}", report.summary());
    return report;
  }

  /**
   * A dataset that received its plan's stream, or is current, needs nothing more from the source.
   * One that only completed an interrupted receive still needs the rest of that stream, from the
   * snapshot it completed: the next cycle sends it. One whose transfer failed still needs it, with
   * or without a partial receive: an {@code -I} stream applies each snapshot as it arrives, so the
   * target may hold some of what it carried, and the next plan must know them as the source's
   * ({@link io.zferry.sync.plan.Plan.DroppedBySource}) and start from them.
   */
  private void settleInFlight(PullCycle cycle, DatasetName dataset, DatasetOutcome outcome) {
    if (outcome instanceof DatasetOutcome.Current
        || (outcome instanceof DatasetOutcome.Received && !cycle.resumed.contains(dataset))) {
      inFlight.done(dataset);
    }
  }

  /**
   * The newest snapshot of the pool's root that the target holds from the source: what the passive
   * reports, so the active's retention keeps it. A snapshot another tool took on the target is not
   * one, as the source cannot keep what it never had.
   */
  private Optional<Snapshot> newestCommonOnTarget(
      Map<DatasetName, List<Snapshot>> onTarget, Set<Guid> sourceGuids) {
    List<Snapshot> root = onTarget.getOrDefault(pool, List.of());
    for (int i = root.size() - 1; i >= 0; i--) {
      if (sourceGuids.contains(root.get(i).guid())) {
        return Optional.of(root.get(i));
      }
    }
    return Optional.empty();
  }

  public static boolean isSetAside(DatasetName dataset) {
    return dataset.components().stream().anyMatch(c -> c.startsWith(SET_ASIDE_PREFIX));
  }
}
