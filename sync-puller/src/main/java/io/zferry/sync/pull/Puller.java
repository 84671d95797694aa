package io.zferry.sync.pull;

import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.Remount;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.snapshot.zfs.ZfsCommandException;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.plan.ReplicationPlanner;
import io.zferry.sync.transfer.LateEstimate;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferException;
import io.zferry.sync.transfer.TransferFailedException;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferProgress;
import io.zferry.sync.transfer.TransferResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class Puller {
  private static final Logger log = LoggerFactory.getLogger(Puller.class);

  public static final String SET_ASIDE_PREFIX = "zferry-aside-";
  private static final PropertyName READONLY = PropertyName.of("readonly");
  private static final PropertyName AVAILABLE = PropertyName.of("available");
  private static final PropertyName REFERENCED = PropertyName.of("referenced");
  private static final PropertyName MOUNTPOINT = PropertyName.of("mountpoint");
  private static final PropertyName ENCRYPTION = PropertyName.of("encryption");
  private static final PropertyName KEYSTATUS = PropertyName.of("keystatus");

  /**
   * Set-aside copies are mounted beside the pool's mountpoint, not inside it: {@code
   * tank/zferry-aside-X} at {@code /tank.zferry-aside/zferry-aside-X}.
   */
  public static final String SET_ASIDE_MOUNT_SUFFIX = ".zferry-aside";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

  /** Headroom kept free when copying data aside, so the copy cannot fill the pool. */
  private static final double SET_ASIDE_HEADROOM = 1.1;

  private static final long SET_ASIDE_MIN_FREE = 64L * 1024 * 1024;
  private static final Duration TRANSIENT_RETRY_DELAY = Duration.ofSeconds(2);

  /** A stream still running after this long, or this large, gets a size estimate ({@code -nP}). */
  private static final Duration ESTIMATE_AFTER_STREAMING = Duration.ofSeconds(2);

  private static final long ESTIMATE_AFTER_BYTES = 64L * 1024 * 1024;

  private final Zfs source;
  private final Zfs target;
  private final DatasetName pool;
  private final Clock clock;
  private final TransferOptions transferOptions;
  private final TransferActivity.Listener activity;
  private final Divergence divergence;
  private final Consumer<ForeignRollback> announcer;
  private final boolean rawEverywhere;
  private final StreamChoice streams;
  private final Set<RunningCommand> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  public Puller(
      Zfs source,
      Zfs target,
      DatasetName pool,
      Clock clock,
      TransferOptions transferOptions,
      TransferActivity.Listener activity) {
    this(source, target, pool, clock, transferOptions, activity, Divergence.REPORT, r -> {}, false);
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
      boolean rawEverywhere) {
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
    this.streams = new StreamChoice(source, target, rawEverywhere);
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
        source, target, pool, clock, transferOptions, activity, how, announcer, rawEverywhere);
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
        rawEverywhere);
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
        rawEverywhere);
  }

  /**
   * Stops this puller for good: the transfer under way is killed on both sides and the cycle ends
   * with {@link PullCancelledException}. Called from another thread, such as a takeover that must
   * not wait for a stall timeout on a dead peer. zfs recv is atomic, so the target keeps its last
   * complete snapshot.
   */
  public void cancel() {
    cancelled = true;
    for (RunningCommand command : running) {
      command.close();
    }
  }

  private void checkNotCancelled() {
    if (cancelled) {
      throw new PullCancelledException(pool);
    }
  }

  public PullReport pullOnce() {
    checkNotCancelled();
    Instant started = clock.instant();
    Cycle cycle = new Cycle();
    SnapshotListing sourceListing = source.listSnapshots(pool);
    SnapshotListing targetListing = target.listSnapshots(pool);
    if (!sourceListing.refusedNames().isEmpty()) {
      cycle.notes.add(
          "snapshots on "
              + source.hostName()
              + " with names zferry does not accept are ignored: "
              + sourceListing.refusedNames());
    }
    Map<DatasetName, List<Snapshot>> onSource = byDataset(sourceListing.snapshots());
    Map<DatasetName, List<Snapshot>> onTarget = byDataset(targetListing.snapshots());

    Set<DatasetName> notCurrent = new HashSet<>();
    for (DatasetName dataset : parentFirst(onSource.keySet())) {
      checkNotCancelled();
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
      Plan plan = ReplicationPlanner.plan(sourceSnapshots, targetSnapshots);
      if (plan instanceof Plan.Bootstrap bootstrap
          && !bootstrap.targetSnapshots().isEmpty()
          && source.capabilities().bookmarks()) {
        // Listed only when needed: a passive that was away longer than the snapshots are kept.
        try {
          plan =
              ReplicationPlanner.plan(
                  sourceSnapshots,
                  targetSnapshots,
                  SnapshotNaming::isOwn,
                  cycle.sourceBookmarks().stream()
                      .filter(b -> b.dataset().equals(dataset))
                      .toList());
        } catch (RuntimeException e) {
          cycle.notes.add(
              dataset
                  + ": could not list bookmarks on "
                  + source.hostName()
                  + ": "
                  + e.getMessage());
        }
      }
      DatasetOutcome outcome = carryOut(cycle, dataset, plan);
      cycle.outcomes.add(outcome);
      if (!(outcome instanceof DatasetOutcome.Received
          || outcome instanceof DatasetOutcome.Current)) {
        notCurrent.add(dataset);
      }
    }
    // A cancelled puller leaves the pool to whoever cancelled it, such as a takeover making it
    // writable: nothing below may run.
    checkNotCancelled();
    boolean received = cycle.outcomes.stream().anyMatch(o -> o instanceof DatasetOutcome.Received);
    if (cycle.remountAtEnd || (received && staleMountWorthRemounting())) {
      remountTree(cycle, pool);
    }
    if (received && streams.receivesKeepReadOnly()) {
      mountReceived(cycle);
    }
    keepTargetReadOnly(cycle);

    // One listing per side while idle; the target is listed again only if the cycle changed it.
    Set<Guid> sourceGuids = new HashSet<>();
    sourceListing.snapshots().forEach(s -> sourceGuids.add(s.guid()));
    Optional<Snapshot> newestApplied =
        cycle.changedTarget()
            ? newestCommonOnTarget(byDataset(target.listSnapshots(pool).snapshots()), sourceGuids)
            : newestCommonOnTarget(onTarget, sourceGuids);
    PullReport report =
        new PullReport(
            pool,
            started,
            clock.instant(),
            cycle.outcomes,
            newestApplied,
            cycle.setAside,
            cycle.expired,
            cycle.foreignRolledBack,
            cycle.notes);
    log.info("pull {}", report.summary());
    return report;
  }

  private DatasetOutcome carryOut(Cycle cycle, DatasetName dataset, Plan plan) {
    String description = plan.describe();
    try {
      List<UniqueData> evidence = List.of();
      if (plan instanceof Plan.ForeignAfterCommon foreign) {
        Optional<List<UniqueData>> unique =
            UniqueDataProbe.beyondCommon(target, dataset, foreign.foreign());
        if (unique.isEmpty() || !unique.get().isEmpty()) {
          // Another tool's snapshot with data only the target has (or no way to tell): losing it
          // is an operator's call, like any divergence.
          evidence = unique.orElse(List.of());
          if (unique.isEmpty()) {
            description +=
                "; "
                    + target.hostName()
                    + " cannot tell whether they hold data after the common snapshot";
          }
          plan =
              new Plan.Diverged(
                  foreign.common(), foreign.missing(), foreign.foreign(), foreign.expire());
        }
      } else if (plan instanceof Plan.Diverged diverged && divergence == Divergence.REPORT) {
        evidence =
            UniqueDataProbe.beyondCommon(target, dataset, diverged.targetOnly()).orElse(List.of());
      }
      if (plan instanceof Plan.Diverged && divergence == Divergence.REPORT) {
        log.warn("{}: {}; nothing is sent until an operator resolves it", dataset, description);
        return new DatasetOutcome.Diverged(dataset, description, evidence);
      }
      // What the source's retention dropped goes first: on a full pool it is the room the
      // transfer needs.
      expire(cycle, plan.expire());
      DatasetOutcome outcome;
      if (plan instanceof Plan.NothingToSend || plan instanceof Plan.UpToDate) {
        outcome = new DatasetOutcome.Current(dataset, description);
      } else if (plan instanceof Plan.Diverged diverged) {
        Optional<DatasetOutcome> unresolved = resolve(cycle, dataset, diverged, description);
        if (unresolved.isPresent()) {
          return unresolved.get();
        }
        outcome =
            diverged.sourceOnly().isEmpty()
                ? new DatasetOutcome.Current(dataset, description)
                : new DatasetOutcome.Received(
                    dataset,
                    description,
                    transfer(
                        cycle,
                        dataset,
                        description,
                        new SendSpec.Incremental(
                            diverged.common().name(),
                            last(diverged.sourceOnly()).name(),
                            true,
                            streams.ofPair(dataset)),
                        streams.receiveInto(dataset).forced(),
                        last(diverged.sourceOnly())));
      } else if (resumeInterrupted(cycle, dataset).isPresent()) {
        return new DatasetOutcome.Received(
            dataset, "resumed an interrupted receive", cycle.resumedBytes);
      } else if (plan instanceof Plan.FromBookmark fromBookmark) {
        if (!dataset.isPool() && !streams.receivesKeepReadOnly()) {
          makeWritableForThisCycle(cycle);
        }
        long bytes =
            transfer(
                cycle,
                dataset,
                description,
                new SendSpec.FromBookmark(
                    fromBookmark.base(), fromBookmark.latest().name(), streams.ofPair(dataset)),
                streams.receiveInto(dataset).forced().resumably(),
                fromBookmark.latest());
        outcome = new DatasetOutcome.Received(dataset, description, bytes);
      } else if (plan instanceof Plan.Incremental || plan instanceof Plan.ForeignAfterCommon) {
        Snapshot common = plan.newestCommon().orElseThrow();
        Snapshot latest =
            plan instanceof Plan.Incremental incremental
                ? incremental.latest()
                : ((Plan.ForeignAfterCommon) plan).latest();
        if (plan instanceof Plan.ForeignAfterCommon foreign) {
          announce(cycle, dataset, foreign);
        }
        // No writable window for the pool's root: a client still writing to this copy would have
        // its writes accepted, then rolled back by the receive. zfs-fuse mounts a received child
        // again and must be able to create its mountpoint in the parent, so a child still needs
        // one (a known gap for pools with child datasets). OpenZFS receives with -u and readonly
        // kept (StreamChoice), so it needs no window at all.
        if (!dataset.isPool() && !streams.receivesKeepReadOnly()) {
          makeWritableForThisCycle(cycle);
        }
        SendSpec send =
            new SendSpec.Incremental(common.name(), latest.name(), true, streams.ofPair(dataset));
        ReceiveSpec receive = streams.receiveInto(dataset).resumably();
        if (plan instanceof Plan.ForeignAfterCommon || needsRollbackToReceive(dataset)) {
          receive = receive.forced();
        }
        long bytes = transfer(cycle, dataset, description, send, receive, latest);
        outcome = new DatasetOutcome.Received(dataset, description, bytes);
      } else {
        long bytes = bootstrap(cycle, dataset, (Plan.Bootstrap) plan, description);
        outcome = new DatasetOutcome.Received(dataset, description, bytes);
      }
      return outcome;
    } catch (PullCancelledException e) {
      throw e;
    } catch (NoRoomToKeepException e) {
      return new DatasetOutcome.NoRoomToKeep(dataset, description, e.needed, e.available);
    } catch (PairFlags.UnsupportedStreamException e) {
      log.warn("{}: {} failed: {}", dataset, description, e.getMessage());
      return new DatasetOutcome.Failed(dataset, description, e.getMessage(), true);
    } catch (RuntimeException e) {
      log.warn("{}: {} failed: {}", dataset, description, e.getMessage());
      return new DatasetOutcome.Failed(dataset, description, e.getMessage());
    }
  }

  /** Says, before the receive that does it, which foreign snapshots are rolled back. */
  private void announce(Cycle cycle, DatasetName dataset, Plan.ForeignAfterCommon foreign) {
    ForeignRollback rollback =
        new ForeignRollback(
            dataset,
            foreign.common().name(),
            foreign.foreign().stream().map(Snapshot::name).toList(),
            foreign.latest().name());
    log.warn("{}: {}", dataset, rollback.describe());
    cycle.foreignRolledBack.add(rollback);
    cycle.notes.add(dataset + ": " + rollback.describe());
    try {
      announcer.accept(rollback);
    } catch (RuntimeException e) {
      log.warn("{}: announcing the rollback failed: {}", dataset, e.getMessage());
    }
  }

  /**
   * An operator's resolution of a divergence ({@code mark-sync-as-fixed}): what the target holds
   * after the newest common snapshot, including writes never snapshotted, is copied aside, then the
   * target rolls back to the common snapshot. Returns the outcome if the dataset stays diverged,
   * because there was no room for the copy and discarding was not allowed.
   */
  private Optional<DatasetOutcome> resolve(
      Cycle cycle, DatasetName dataset, Plan.Diverged diverged, String description) {
    makeWritableForThisCycle(cycle);
    String stamp = STAMP.format(clock.instant());
    String why = "diverged from " + source.hostName() + " after " + diverged.common().name();
    Optional<List<UniqueData>> unique =
        UniqueDataProbe.beyondCommon(target, dataset, diverged.targetOnly());
    boolean nothingToKeep = unique.isPresent() && unique.get().isEmpty();
    if (nothingToKeep) {
      log.info(
          "{}: nothing was written after {} on {}; rolled back without a copy",
          dataset,
          diverged.common().name().shortName(),
          target.hostName());
    }
    boolean kept = nothingToKeep || setAsideByCopy(cycle, dataset, stamp, why);
    if (!kept && divergence != Divergence.DISCARD_AND_RESYNC) {
      return Optional.of(
          new DatasetOutcome.Diverged(
              dataset,
              description
                  + "; not enough free space to keep what "
                  + target.hostName()
                  + " holds after the common snapshot, so nothing was rolled back"));
    }
    target.rollback(diverged.common().name(), true);
    // The rollback removes the mountpoint directories created since the common snapshot, such
    // as the one of the copy just set aside: its mount is no longer reachable until remounted.
    cycle.remountAtEnd = true;
    log.warn(
        "{}: rolled back to {} on {} ({} snapshot(s) after it dropped{})",
        dataset,
        diverged.common().name().shortName(),
        target.hostName(),
        diverged.targetOnly().size(),
        kept ? ", kept aside first" : ", discarded by the operator's choice");
    return Optional.empty();
  }

  /**
   * OpenZFS: an earlier cycle's receive into {@code dataset} was interrupted and left a resume
   * token. The rest of that stream is sent ({@code zfs send -t}) rather than all of it again. A
   * token the source can no longer serve (its snapshot was destroyed meanwhile) is stale: the
   * partial state is dropped and the normal plan runs. Returns the token that was resumed.
   */
  private Optional<ResumeToken> resumeInterrupted(Cycle cycle, DatasetName dataset) {
    Optional<ResumeToken> token = target.resumeToken(dataset);
    if (token.isEmpty()) {
      return token;
    }
    log.info("{}: resuming an interrupted receive", dataset);
    checkNotCancelled();
    try (RunningCommand sender = source.resumeSend(token.get());
        RunningCommand receiver =
            target.receive(
                ReceiveSpec.into(dataset).resumably().supportedBy(target.capabilities()))) {
      running.add(sender);
      running.add(receiver);
      try {
        cycle.transferred = true;
        cycle.resumedBytes =
            new StreamTransfer(clock, transferOptions, new ProgressLog(dataset, "resume"))
                .run(sender, receiver)
                .bytes();
        return token;
      } finally {
        running.remove(sender);
        running.remove(receiver);
      }
    } catch (TransferFailedException e) {
      checkNotCancelled();
      if (e.side() == TransferFailedException.Side.SENDER && ResumeToken.isStale(e.stderr())) {
        log.warn(
            "{}: the resume token is stale ({}); receiving afresh", dataset, e.stderr().strip());
        target.abortResumableReceive(dataset);
        cycle.notes.add(
            dataset
                + ": an interrupted receive could not be resumed ("
                + e.stderr().strip()
                + "); it was dropped and sent afresh");
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Snapshot last(List<Snapshot> snapshots) {
    return snapshots.get(snapshots.size() - 1);
  }

  /**
   * Replaces the target's copy of {@code dataset} with a full stream. Whatever the target held is
   * kept: a child dataset is renamed aside (free), the pool's root dataset (which cannot be
   * renamed) is copied aside if the pool has room, and otherwise the loss is reported.
   */
  private long bootstrap(
      Cycle cycle, DatasetName dataset, Plan.Bootstrap plan, String description) {
    SendFlags flags = streams.forBootstrap(dataset);
    ReceiveSpec receive = streams.receiveInto(dataset);
    boolean replacing = target.exists(dataset);
    // Renaming or copying aside creates mountpoints in the tree; a new dataset needs none where
    // the receive leaves it unmounted (OpenZFS).
    if (replacing || !streams.receivesKeepReadOnly()) {
      makeWritableForThisCycle(cycle);
    }
    if (replacing) {
      String stamp = STAMP.format(clock.instant());
      if (dataset.isPool()) {
        if (!plan.targetSnapshots().isEmpty() || target.hasOwnFiles(dataset)) {
          boolean kept =
              setAsideByCopy(
                  cycle, dataset, stamp, "had no snapshot in common with " + source.hostName());
          if (!kept && divergence != Divergence.DISCARD_AND_RESYNC) {
            // The full receive would replace data that exists only here (I3): stop, and say so.
            throw new NoRoomToKeepException(
                (long) (longProperty(dataset, REFERENCED) * SET_ASIDE_HEADROOM)
                    + SET_ASIDE_MIN_FREE,
                longProperty(dataset, AVAILABLE));
          }
        }
        for (Snapshot old : target.listSnapshots(dataset).snapshots()) {
          if (old.dataset().equals(dataset)) {
            target.destroySnapshot(old.name());
          }
        }
        receive = receive.forced();
      } else {
        DatasetName parent =
            DatasetName.of(dataset.value().substring(0, dataset.value().lastIndexOf('/')));
        DatasetName aside = unusedName(parent, SET_ASIDE_PREFIX + stamp + "-" + leaf(dataset));
        target.rename(dataset, aside);
        mountOutsideTheTree(cycle, aside);
        cycle.setAside.add(aside);
        log.warn(
            "{}: no common snapshot with {}; its previous data is kept as {}",
            dataset,
            source.hostName(),
            aside);
      }
    }
    SendSpec send = new SendSpec.Full(plan.snapshot().name(), flags);
    long bytes = transfer(cycle, dataset, description, send, receive.resumably(), plan.snapshot());
    streams.record(dataset, flags);
    if (dataset.isPool()) {
      remountTree(cycle, dataset);
    }
    return bytes;
  }

  /**
   * On zfs-fuse a mount can go stale after a receive; mounting again cures it, but only for a pool
   * without child datasets: zfs-fuse creates children's mountpoints inside an unmounted parent
   * while receiving them, and such a parent then refuses to mount ("not empty").
   */
  private boolean staleMountWorthRemounting() {
    return target.capabilities().mountsGoStaleOnReceive() && target.listDatasets(pool).size() == 1;
  }

  /**
   * OpenZFS receives with {@code -u}, so a dataset new on the target stays unmounted and its
   * mountpoint shows the bare directory instead of the replicated files. Mounted afterwards it is
   * read-only like the rest of the copy (readonly is kept on receive). An encrypted dataset whose
   * key is not loaded here cannot be mounted and is left alone.
   */
  private void mountReceived(Cycle cycle) {
    for (String problem :
        Remount.ensureMounted(
            target,
            pool,
            dataset ->
                target.getProperty(dataset, KEYSTATUS).filter("unavailable"::equals).isPresent())) {
      log.warn("{}", problem);
      cycle.notes.add(problem);
    }
  }

  /**
   * A full receive replaces the root dataset under its mount; zfs-fuse can keep serving the old
   * (read-only) mount, and the children's mounts end up under the new root's. Unmount the tree
   * deepest first and mount it again root first, so every path shows what was received.
   */
  private void remountTree(Cycle cycle, DatasetName root) {
    for (String problem : Remount.tree(target, root)) {
      log.warn("{}", problem);
      cycle.notes.add(problem);
    }
  }

  /**
   * Copies the dataset's current state (a snapshot taken now, so unsnapshotted writes are kept too)
   * to a set-aside dataset: {@code <pool>/zferry-aside-<stamp>} for the pool's root, {@code
   * <parent>/zferry-aside-<stamp>-<name>} for a child. Returns false, with a note, if the pool
   * lacks the room.
   */
  private boolean setAsideByCopy(Cycle cycle, DatasetName dataset, String stamp, String why) {
    DatasetName aside =
        dataset.isPool()
            ? unusedName(dataset, SET_ASIDE_PREFIX + stamp)
            : unusedName(parentOf(dataset), SET_ASIDE_PREFIX + stamp + "-" + leaf(dataset));
    long referenced = longProperty(dataset, REFERENCED);
    long available = longProperty(dataset, AVAILABLE);
    if (available < referenced * SET_ASIDE_HEADROOM + SET_ASIDE_MIN_FREE) {
      String note =
          dataset
              + " on "
              + target.hostName()
              + " "
              + why
              + "; its data ("
              + referenced
              + " bytes) could not be set aside, only "
              + available
              + " bytes are free";
      log.error(note);
      cycle.notes.add(note);
      return false;
    }
    boolean encrypted =
        target.capabilities().sendRaw()
            && target.getProperty(dataset, ENCRYPTION).filter(v -> !v.equals("off")).isPresent();
    SnapshotName point = target.snapshot(dataset, leaf(aside), false);
    try (RunningCommand send =
            target.send(new SendSpec.Full(point, SendFlags.PLAIN.withRaw(encrypted)));
        RunningCommand receive = target.receive(ReceiveSpec.into(aside))) {
      new StreamTransfer(clock, transferOptions, progress -> {}).run(send, receive);
    }
    mountOutsideTheTree(cycle, aside);
    cycle.setAside.add(aside);
    log.warn("{}: {}; its data is kept as {}", dataset, why, aside);
    return true;
  }

  /**
   * Mounts a set-aside copy outside the replicated tree. Under its parent it would be mounted on a
   * directory of the parent's own data, which the next receive into the parent or a rollback of it
   * replaces: the copy would drop out of sight while the operator needs it. A pool mounted nowhere
   * ({@code none}, {@code legacy}) mounts nothing under it, so nothing moves.
   */
  private void mountOutsideTheTree(Cycle cycle, DatasetName aside) {
    Optional<String> poolMount =
        target.getProperty(pool, MOUNTPOINT).filter(m -> m.startsWith("/"));
    if (poolMount.isEmpty()) {
      return;
    }
    String base = poolMount.get().equals("/") ? "/" + pool.value() : poolMount.get();
    String where =
        base + SET_ASIDE_MOUNT_SUFFIX + "/" + aside.value().substring(pool.value().length() + 1);
    try {
      target.setProperty(aside, MOUNTPOINT, where);
    } catch (RuntimeException e) {
      String note =
          "could not mount "
              + aside
              + " at "
              + where
              + " ("
              + e.getMessage()
              + "); it stays where"
              + " it is, hidden by the next receive until mounted again";
      log.warn(note);
      cycle.notes.add(note);
    }
  }

  private static DatasetName parentOf(DatasetName dataset) {
    return DatasetName.of(dataset.value().substring(0, dataset.value().lastIndexOf('/')));
  }

  /**
   * Runs one send into one receive. A receiver's failure is checked against the target itself:
   * zfs-fuse can commit a received snapshot and then fail to mount the result (reported as "I/O
   * error"), which leaves the old mount in place. If {@code expected} arrived, the data is there:
   * the tree is mounted again and the transfer counts as done. Otherwise a failure zfs-fuse gives
   * while it still releases a mount (busy, I/O error) is retried once; zfs recv is atomic, so a
   * failed attempt left nothing behind.
   */
  private long transfer(
      Cycle cycle,
      DatasetName dataset,
      String description,
      SendSpec send,
      ReceiveSpec receive,
      Snapshot expected) {
    cycle.transferred = true;
    try {
      return transferOnce(dataset, description, send, receive);
    } catch (TransferFailedException e) {
      checkNotCancelled();
      if (e.side() != TransferFailedException.Side.RECEIVER) {
        throw e;
      }
      if (targetHolds(dataset, expected)) {
        log.warn(
            "{}: {} arrived, but zfs reported '{}'; mounting it again",
            dataset,
            expected.name().shortName(),
            e.stderr().strip());
        remountTree(cycle, dataset);
        return e.bytesDone();
      }
      if (!isTransient(e.stderr())) {
        throw e;
      }
      log.info("{}: receive failed ({}), retrying once", dataset, e.stderr().strip());
      sleep(TRANSIENT_RETRY_DELAY);
      return transferOnce(dataset, description, send, receive);
    }
  }

  /**
   * Whether a plain incremental needs {@code -F}. With it, a snapshot that another tool takes on
   * the target between this cycle's listing and its receive would be destroyed unannounced; without
   * it the receive fails instead, and the next cycle plans that snapshot as another tool's and says
   * so before any rollback. So {@code -F} is used only where the target must be rolled back to take
   * the stream: zfs-fuse, whose mounts change a received dataset, or a dataset that holds writes
   * after its newest snapshot (or cannot tell).
   */
  private boolean needsRollbackToReceive(DatasetName dataset) {
    if (!streams.receivesKeepReadOnly()) {
      return true;
    }
    Optional<List<UniqueData>> live = UniqueDataProbe.beyondCommon(target, dataset, List.of());
    return live.isEmpty() || !live.get().isEmpty();
  }

  private boolean targetHolds(DatasetName dataset, Snapshot expected) {
    if (!target.exists(dataset)) {
      return false;
    }
    return target.listSnapshots(dataset).snapshots().stream()
        .anyMatch(s -> s.dataset().equals(dataset) && s.guid().equals(expected.guid()));
  }

  private static boolean isTransient(String stderr) {
    return stderr.contains("I/O error") || stderr.contains("busy");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private long transferOnce(
      DatasetName dataset, String description, SendSpec send, ReceiveSpec receive) {
    // The size is asked for only if the stream proves long: each command on the peer starts a
    // JVM there, and most cycles move a few kB.
    LateEstimate estimate =
        new LateEstimate(() -> estimate(send), ESTIMATE_AFTER_STREAMING, ESTIMATE_AFTER_BYTES);
    ProgressLog progressLog = new ProgressLog(dataset, description);
    log.info("{}: {}", dataset, description);
    checkNotCancelled();
    try (RunningCommand sender = source.send(send);
        RunningCommand receiver = target.receive(receive.supportedBy(target.capabilities()))) {
      running.add(sender);
      running.add(receiver);
      try {
        if (cancelled) {
          throw new PullCancelledException(pool);
        }
        TransferResult result =
            new StreamTransfer(clock, transferOptions, progressLog)
                .withLateEstimate(estimate)
                .run(sender, receiver);
        return result.bytes();
      } catch (TransferException e) {
        checkNotCancelled();
        throw e;
      } finally {
        running.remove(sender);
        running.remove(receiver);
      }
    }
  }

  private OptionalLong estimate(SendSpec send) {
    try {
      return source.estimateSendSize(send);
    } catch (RuntimeException e) {
      log.debug("no size estimate for {}: {}", send.to(), e.getMessage());
      return OptionalLong.empty();
    }
  }

  private void expire(Cycle cycle, List<Snapshot> snapshots) {
    for (Snapshot snapshot : snapshots) {
      try {
        target.destroySnapshot(snapshot.name());
        cycle.expired.add(snapshot.name());
      } catch (ZfsCommandException e) {
        if (e.reason() == ZfsCommandException.Reason.NOT_FOUND) {
          // zfs recv -F of an -I stream already dropped it, as planned (zfs-fuse sends -I as a
          // package stream, and receiving one with -F removes what the source no longer has).
          cycle.expired.add(snapshot.name());
        } else {
          cycle.notes.add("could not expire " + snapshot.name() + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * Receiving a new dataset, or renaming one aside, creates a mountpoint directory in its parent,
   * which a read-only parent refuses; the cycle makes the pool read-only again at its end.
   */
  private void makeWritableForThisCycle(Cycle cycle) {
    if (!cycle.madeWritable) {
      target.setProperty(pool, READONLY, "off");
      cycle.madeWritable = true;
    }
  }

  /** Clients must not write to the passive's copy: a write would block the next incremental. */
  private void keepTargetReadOnly(Cycle cycle) {
    try {
      // Set unconditionally: a received stream with properties clears local ones, and zfs-fuse
      // shows readonly as "off (temporary)" even while it enforces it.
      target.setProperty(pool, READONLY, "on");
    } catch (RuntimeException e) {
      cycle.notes.add(
          "could not make " + pool + " read-only on " + target.hostName() + ": " + e.getMessage());
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

  private long longProperty(DatasetName dataset, PropertyName property) {
    return target.getProperty(dataset, property).map(Long::parseLong).orElse(0L);
  }

  /** Snapshots grouped by dataset, each group oldest first, set-aside datasets left out. */
  static Map<DatasetName, List<Snapshot>> byDataset(List<Snapshot> snapshots) {
    Map<DatasetName, List<Snapshot>> grouped = new LinkedHashMap<>();
    snapshots.stream()
        .sorted(Snapshot.BY_CREATION)
        .filter(s -> !isSetAside(s.dataset()))
        .forEach(s -> grouped.computeIfAbsent(s.dataset(), k -> new ArrayList<>()).add(s));
    return grouped;
  }

  public static boolean isSetAside(DatasetName dataset) {
    return dataset.components().stream().anyMatch(c -> c.startsWith(SET_ASIDE_PREFIX));
  }

  static List<DatasetName> parentFirst(Set<DatasetName> datasets) {
    return datasets.stream()
        .sorted(
            Comparator.comparingInt((DatasetName d) -> d.components().size())
                .thenComparing(DatasetName::value))
        .toList();
  }

  /** {@code parent/base}, or with a counter appended if that exists (two bootstraps a second). */
  private DatasetName unusedName(DatasetName parent, String base) {
    DatasetName candidate = parent.child(base);
    for (int n = 2; target.exists(candidate); n++) {
      candidate = parent.child(base + "-" + n);
    }
    return candidate;
  }

  private static String leaf(DatasetName dataset) {
    List<String> components = dataset.components();
    return components.get(components.size() - 1);
  }

  /** A bootstrap that found no room to keep the data it would replace. */
  private static final class NoRoomToKeepException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long needed;
    final long available;

    NoRoomToKeepException(long needed, long available) {
      super("no room to keep the data a bootstrap would replace");
      this.needed = needed;
      this.available = available;
    }
  }

  /** What one cycle accumulates besides the per-dataset outcomes. */
  private final class Cycle {
    private List<Bookmark> sourceBookmarks;

    /** The source's bookmarks, listed once per cycle and only if a plan needs them. */
    List<Bookmark> sourceBookmarks() {
      if (sourceBookmarks == null) {
        sourceBookmarks = source.listBookmarks(pool);
      }
      return sourceBookmarks;
    }

    final List<DatasetOutcome> outcomes = new ArrayList<>();
    final List<DatasetName> setAside = new ArrayList<>();
    long resumedBytes;
    boolean remountAtEnd;
    final List<SnapshotName> expired = new ArrayList<>();
    final List<ForeignRollback> foreignRolledBack = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    boolean madeWritable;
    boolean transferred;

    /** Whether anything was received, renamed or destroyed on the target. */
    boolean changedTarget() {
      return madeWritable || transferred || !expired.isEmpty();
    }
  }

  /** Forwards progress to the listener and logs it now and then. */
  private final class ProgressLog implements io.zferry.sync.transfer.ProgressListener {
    private final DatasetName dataset;
    private final String description;
    private Instant lastLogged;

    ProgressLog(DatasetName dataset, String description) {
      this.dataset = dataset;
      this.description = description;
    }

    @Override
    public void onProgress(TransferProgress progress) {
      activity.onActivity(new TransferActivity(dataset, description, progress));
      Instant now = clock.instant();
      if (progress.finished()
          || lastLogged == null
          || Duration.between(lastLogged, now).compareTo(PROGRESS_LOG_INTERVAL) >= 0) {
        lastLogged = now;
        log.info("{}: {}", dataset, progress);
      }
    }
  }
}
