package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotDestruction;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.transfer.TransferFailedException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one dataset's plan on the target: expiry first, then the transfer the plan calls for
 * (an interrupted receive resumed before anything else), with divergence reported or resolved as
 * the operator decided, and rollbacks of other tools' snapshots announced before they happen.
 */
final class PlanExecution {
  // A pull logs under one name, so one logger setting covers all of it.
  private static final Logger log = LoggerFactory.getLogger(Puller.class);
  private static final Duration TRANSIENT_RETRY_DELAY = Duration.ofSeconds(2);

  private final String sourceHost;
  private final Zfs target;
  private final StreamChoice streams;
  private final TransferRunner runner;
  private final TargetMounts mounts;
  private final SetAside setAside;
  private final Puller.Divergence divergence;
  private final Consumer<ForeignRollback> announcer;

  PlanExecution(
      String sourceHost,
      Zfs target,
      StreamChoice streams,
      TransferRunner runner,
      TargetMounts mounts,
      SetAside setAside,
      Puller.Divergence divergence,
      Consumer<ForeignRollback> announcer) {
    this.sourceHost = sourceHost;
    this.target = target;
    this.streams = streams;
    this.runner = runner;
    this.mounts = mounts;
    this.setAside = setAside;
    this.divergence = divergence;
    this.announcer = announcer;
  }

  DatasetOutcome carryOut(PullCycle cycle, DatasetName dataset, Plan plan) {
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
      } else if (plan instanceof Plan.Diverged diverged && divergence == Puller.Divergence.REPORT) {
        evidence =
            UniqueDataProbe.beyondCommon(target, dataset, diverged.targetOnly()).orElse(List.of());
      }
      if (plan instanceof Plan.Diverged && divergence == Puller.Divergence.REPORT) {
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
            receiveAfterRollback(
                cycle,
                dataset,
                description,
                diverged.common(),
                diverged.sourceOnly().isEmpty()
                    ? Optional.empty()
                    : Optional.of(last(diverged.sourceOnly())),
                streams.receiveInto(dataset).forced());
      } else if (plan instanceof Plan.DroppedBySource dropped) {
        rollBackWhatTheSourceDropped(cycle, dataset, dropped);
        outcome =
            receiveAfterRollback(
                cycle,
                dataset,
                description,
                dropped.common(),
                dropped.missing().isEmpty() ? Optional.empty() : Optional.of(dropped.latest()),
                streams.receiveInto(dataset).resumably());
      } else if (resumeInterrupted(cycle, dataset, plan).isPresent()) {
        return new DatasetOutcome.Received(
            dataset, "resumed an interrupted receive", cycle.resumedBytes);
      } else if (plan instanceof Plan.FromBookmark fromBookmark) {
        if (!dataset.isPool() && !streams.receivesKeepReadOnly()) {
          mounts.makeWritableForThisCycle(cycle);
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
          mounts.makeWritableForThisCycle(cycle);
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
    } catch (SetAside.NoRoomToKeepException e) {
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
  private void announce(PullCycle cycle, DatasetName dataset, Plan.ForeignAfterCommon foreign) {
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
      PullCycle cycle, DatasetName dataset, Plan.Diverged diverged, String description) {
    mounts.makeWritableForThisCycle(cycle);
    String stamp = setAside.stamp();
    String why = "diverged from " + sourceHost + " after " + diverged.common().name();
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
    boolean kept = nothingToKeep || setAside.byCopy(cycle, dataset, stamp, why);
    if (!kept && divergence != Puller.Divergence.DISCARD_AND_RESYNC) {
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

  /** After a rollback to {@code common}: current, or the incremental up to {@code latest}. */
  private DatasetOutcome receiveAfterRollback(
      PullCycle cycle,
      DatasetName dataset,
      String description,
      Snapshot common,
      Optional<Snapshot> latest,
      ReceiveSpec receive) {
    if (latest.isEmpty()) {
      return new DatasetOutcome.Current(dataset, description);
    }
    SendSpec send =
        new SendSpec.Incremental(common.name(), latest.get().name(), true, streams.ofPair(dataset));
    return new DatasetOutcome.Received(
        dataset, description, transfer(cycle, dataset, description, send, receive, latest.get()));
  }

  /**
   * The target drops the snapshots the source destroyed after sending them, as its expiry drops
   * older ones: they hold nothing the active did not have and then chose to destroy. The rollback
   * is said first, in the cycle's notes (an event, the status). A partial receive that continued
   * them is dropped with them: its stream starts at a snapshot the source no longer has.
   */
  private void rollBackWhatTheSourceDropped(
      PullCycle cycle, DatasetName dataset, Plan.DroppedBySource dropped) {
    String why =
        dataset
            + ": rolled back to "
            + dropped.common().name().shortName()
            + " on "
            + target.hostName()
            + ", dropping "
            + dropped.dropped().stream().map(s -> s.name().shortName()).toList()
            + ": the source destroyed them while they were being received";
    log.warn("{}", why);
    cycle.notes.add(why);
    if (target.resumeToken(dataset).isPresent()) {
      target.abortResumableReceive(dataset);
    }
    if (!dataset.isPool() && !streams.receivesKeepReadOnly()) {
      mounts.makeWritableForThisCycle(cycle);
    }
    target.rollback(dropped.common().name(), true);
    cycle.remountAtEnd = true;
  }

  /**
   * OpenZFS: an earlier cycle's receive into {@code dataset} was interrupted and left a resume
   * token. The rest of that stream is sent ({@code zfs send -t}) rather than all of it again. A
   * token the source can no longer serve (its snapshot was destroyed meanwhile), or whose stream
   * the target refuses (a snapshot was taken there since), is stale: the partial state is dropped
   * and the normal plan runs. Returns the token that was resumed.
   *
   * <p>Where the plan is a bootstrap the target holds no snapshot of {@code dataset}, so the
   * resumed stream was a full one: the pair's flags are recorded as {@link #bootstrap} does, or the
   * next incremental would be sent with another {@code -L} than the pair was received with.
   */
  private Optional<ResumeToken> resumeInterrupted(PullCycle cycle, DatasetName dataset, Plan plan) {
    Optional<ResumeToken> token = target.resumeToken(dataset);
    if (token.isEmpty()) {
      return token;
    }
    log.info("{}: resuming an interrupted receive", dataset);
    try {
      cycle.resumedBytes = runner.resume(dataset, token.get(), () -> cycle.transferred = true);
      cycle.resumed.add(dataset);
      if (plan instanceof Plan.Bootstrap) {
        streams.record(dataset, streams.forBootstrap(dataset));
      }
      return token;
    } catch (TransferFailedException e) {
      runner.checkNotCancelled();
      boolean staleAtSource =
          e.side() == TransferFailedException.Side.SENDER && ResumeToken.isStale(e.stderr());
      // The partial state holds only what the source still has (or destroyed): dropping it
      // costs bytes sent again, never data; keeping it would stop replication for good.
      boolean refusedByTarget =
          e.side() == TransferFailedException.Side.RECEIVER
              && ResumeToken.refusedByReceiver(e.stderr());
      if (staleAtSource || refusedByTarget) {
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

  /** Destroys every one of {@code snapshots}, or throws the first failure. */
  private void destroyAll(List<SnapshotName> snapshots) {
    SnapshotDestruction destruction = target.destroySnapshots(snapshots);
    if (!destruction.failed().isEmpty()) {
      throw destruction.failed().values().iterator().next();
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
      PullCycle cycle, DatasetName dataset, Plan.Bootstrap plan, String description) {
    SendFlags flags = streams.forBootstrap(dataset);
    ReceiveSpec receive = streams.receiveInto(dataset);
    boolean replacing = target.exists(dataset);
    // Renaming or copying aside creates mountpoints in the tree; a new dataset needs none where
    // the receive leaves it unmounted (OpenZFS).
    if (replacing || !streams.receivesKeepReadOnly()) {
      mounts.makeWritableForThisCycle(cycle);
    }
    if (replacing) {
      String stamp = setAside.stamp();
      if (dataset.isPool()) {
        if (!plan.targetSnapshots().isEmpty() || target.hasOwnFiles(dataset)) {
          boolean kept =
              setAside.byCopy(
                  cycle, dataset, stamp, "had no snapshot in common with " + sourceHost);
          if (!kept && divergence != Puller.Divergence.DISCARD_AND_RESYNC) {
            // The full receive would replace data that exists only here (I3): stop, and say so.
            throw setAside.noRoomToKeep(dataset);
          }
        }
        destroyAll(
            target.listSnapshots(dataset).snapshots().stream()
                .filter(old -> old.dataset().equals(dataset))
                .map(Snapshot::name)
                .toList());
        receive = receive.forced();
      } else {
        DatasetName aside = setAside.byRename(cycle, dataset, stamp);
        log.warn(
            "{}: no common snapshot with {}; its previous data is kept as {}",
            dataset,
            sourceHost,
            aside);
      }
    }
    SendSpec send = new SendSpec.Full(plan.snapshot().name(), flags);
    long bytes = transfer(cycle, dataset, description, send, receive.resumably(), plan.snapshot());
    streams.record(dataset, flags);
    if (dataset.isPool()) {
      mounts.remountTree(cycle, dataset);
    }
    return bytes;
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
      PullCycle cycle,
      DatasetName dataset,
      String description,
      SendSpec send,
      ReceiveSpec receive,
      Snapshot expected) {
    cycle.transferred = true;
    try {
      return runner.run(dataset, description, send, receive);
    } catch (TransferFailedException e) {
      runner.checkNotCancelled();
      if (e.side() != TransferFailedException.Side.RECEIVER) {
        throw e;
      }
      if (targetHolds(dataset, expected)) {
        log.warn(
            "{}: {} arrived, but zfs reported '{}'; mounting it again",
            dataset,
            expected.name().shortName(),
            e.stderr().strip());
        mounts.remountTree(cycle, dataset);
        return e.bytesDone();
      }
      if (!isTransient(e.stderr())) {
        throw e;
      }
      log.info("{}: receive failed ({}), retrying once", dataset, e.stderr().strip());
      sleep(TRANSIENT_RETRY_DELAY);
      return runner.run(dataset, description, send, receive);
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

  private void expire(PullCycle cycle, List<Snapshot> snapshots) {
    // One command for all of them where the ZFS allows it: each destroy is a pool sync.
    SnapshotDestruction destruction =
        target.destroySnapshots(snapshots.stream().map(Snapshot::name).toList());
    // Gone includes what is absent already: zfs recv -F of an -I stream drops what the source
    // no longer has (zfs-fuse sends -I as a package stream), as planned.
    cycle.expired.addAll(destruction.gone());
    destruction
        .failed()
        .forEach((name, e) -> cycle.notes.add("could not expire " + name + ": " + e.getMessage()));
  }
}
