package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The record of one pull cycle of a pool.
 *
 * @param newestApplied the newest snapshot of the pool's root dataset that the target now holds
 *     from the source (its GUID is what the passive reports to the active's retention)
 * @param receiving per dataset, the oldest of the source's snapshots that a transfer interrupted in
 *     this or an earlier cycle still needs (its base, or a full stream's snapshot); the passive
 *     reports them, so the active's retention keeps each and every later snapshot of its dataset
 * @param setAside datasets the target's previous data was kept in before a bootstrap replaced it
 * @param foreignRolledBack snapshots not taken by zferry that were rolled back on the target, each
 *     holding no data beyond the common snapshot
 * @param notes things an operator should know that are not failures (e.g. data replaced without a
 *     copy for lack of space)
 */
public record PullReport(
    DatasetName pool,
    Instant started,
    Instant finished,
    List<DatasetOutcome> outcomes,
    Optional<Snapshot> newestApplied,
    List<Snapshot> receiving,
    List<DatasetName> setAside,
    List<SnapshotName> expired,
    List<ForeignRollback> foreignRolledBack,
    List<String> notes) {
  public PullReport {
    outcomes = List.copyOf(outcomes);
    receiving = List.copyOf(receiving);
    foreignRolledBack = List.copyOf(foreignRolledBack);
    setAside = List.copyOf(setAside);
    expired = List.copyOf(expired);
    notes = List.copyOf(notes);
  }

  public boolean succeeded() {
    return outcomes.stream()
        .noneMatch(
            o ->
                o instanceof DatasetOutcome.Failed
                    || o instanceof DatasetOutcome.Skipped
                    || o instanceof DatasetOutcome.NoRoomToKeep);
  }

  public boolean diverged() {
    return outcomes.stream().anyMatch(o -> o instanceof DatasetOutcome.Diverged);
  }

  public long bytes() {
    return outcomes.stream()
        .mapToLong(o -> o instanceof DatasetOutcome.Received r ? r.bytes() : 0)
        .sum();
  }

  public Duration elapsed() {
    return Duration.between(started, finished);
  }

  /** The first failure's message, if any. */
  public Optional<String> firstError() {
    return outcomes.stream()
        .filter(o -> o instanceof DatasetOutcome.Failed || o instanceof DatasetOutcome.NoRoomToKeep)
        .map(DatasetOutcome::describe)
        .findFirst();
  }

  public String summary() {
    long received = outcomes.stream().filter(o -> o instanceof DatasetOutcome.Received).count();
    String state =
        diverged() ? "diverged" : succeeded() ? "ok" : "failed (" + firstError().orElse("?") + ")";
    return pool
        + ": "
        + state
        + ", "
        + received
        + " of "
        + outcomes.size()
        + " dataset(s) received, "
        + bytes()
        + " bytes in "
        + elapsed().toMillis()
        + " ms"
        + newestApplied.map(s -> ", at " + s.name().shortName()).orElse("");
  }
}
