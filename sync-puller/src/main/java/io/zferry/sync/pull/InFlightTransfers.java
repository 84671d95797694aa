package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source's snapshots that the target is receiving or holds a partial receive of, per dataset: a
 * transfer's incremental base and every snapshot its stream carries ({@code -I} brings the
 * intermediate ones too). The passive reports the oldest of them per dataset, and the active's
 * retention keeps it and every later snapshot of that dataset: a resume token whose snapshot the
 * source destroyed is stale, and the whole stream is sent again. One snapshot per dataset keeps the
 * report small however far behind the passive is.
 *
 * <p>What a transfer needs is its plan's {@link io.zferry.sync.plan.Plan#transferNeeds()}. One per
 * pool for the life of the pulling process, shared by its cycles: an interrupted transfer is
 * remembered until a later cycle completes that dataset, partial receive or not, so that the next
 * plan knows what the target already holds of it ({@link #carried}). Thread-safe; read while a
 * transfer runs, by whoever reports to the active.
 */
public final class InFlightTransfers {
  private final Map<DatasetName, List<Snapshot>> byDataset = new LinkedHashMap<>();

  /**
   * A transfer into {@code dataset} starts. What an interrupted one needed stays needed until this
   * one is done: a resume is tried first and continues the earlier stream.
   */
  synchronized void started(DatasetName dataset, List<Snapshot> needed) {
    if (needed.isEmpty()) {
      return;
    }
    Set<Snapshot> all = new LinkedHashSet<>(byDataset.getOrDefault(dataset, List.of()));
    all.addAll(needed);
    byDataset.put(dataset, List.copyOf(all));
  }

  /** {@code dataset} holds no partial receive and no transfer runs into it. */
  synchronized void done(DatasetName dataset) {
    byDataset.remove(dataset);
  }

  /**
   * The GUIDs of every snapshot a remembered transfer into {@code dataset} needed: its base and
   * what its stream carried, some of which the target may hold already.
   */
  synchronized Set<Guid> carried(DatasetName dataset) {
    Set<Guid> guids = new HashSet<>();
    byDataset.getOrDefault(dataset, List.of()).forEach(s -> guids.add(s.guid()));
    return Set.copyOf(guids);
  }

  /** Forgets the datasets the source no longer has: nothing can be resumed from them. */
  synchronized void keepOnly(Set<DatasetName> onSource) {
    byDataset.keySet().retainAll(onSource);
  }

  /**
   * Per dataset, the oldest snapshot a transfer under way or interrupted needs (its base, or the
   * snapshot of a full stream); the others it needs are all later.
   */
  public synchronized List<Snapshot> oldestNeeded() {
    List<Snapshot> oldest = new ArrayList<>();
    for (List<Snapshot> needed : byDataset.values()) {
      needed.stream().min(Comparator.comparingLong(Snapshot::createTxg)).ifPresent(oldest::add);
    }
    return List.copyOf(oldest);
  }
}
