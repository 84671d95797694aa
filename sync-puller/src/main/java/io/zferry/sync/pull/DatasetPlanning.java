package io.zferry.sync.pull;

import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.plan.ReplicationPlanner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan for each dataset of a pull: the {@link ReplicationPlanner} over both sides' snapshots,
 * and over the source's bookmarks where no snapshot is common any more.
 */
final class DatasetPlanning {
  private final Zfs source;

  DatasetPlanning(Zfs source) {
    this.source = source;
  }

  Plan plan(
      PullCycle cycle,
      DatasetName dataset,
      List<Snapshot> sourceSnapshots,
      List<Snapshot> targetSnapshots,
      Set<Guid> receivedFromSource) {
    Plan plan =
        ReplicationPlanner.plan(
            sourceSnapshots, targetSnapshots, SnapshotNaming::isOwn, List.of(), receivedFromSource);
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
                cycle.sourceBookmarks().stream().filter(b -> b.dataset().equals(dataset)).toList());
      } catch (RuntimeException e) {
        cycle.notes.add(
            dataset + ": could not list bookmarks on " + source.hostName() + ": " + e.getMessage());
      }
    }
    return plan;
  }

  /** Snapshots grouped by dataset, each group oldest first, set-aside datasets left out. */
  static Map<DatasetName, List<Snapshot>> byDataset(List<Snapshot> snapshots) {
    Map<DatasetName, List<Snapshot>> grouped = new LinkedHashMap<>();
    snapshots.stream()
        .sorted(Snapshot.BY_CREATION)
        .filter(s -> !Puller.isSetAside(s.dataset()))
        .forEach(s -> grouped.computeIfAbsent(s.dataset(), k -> new ArrayList<>()).add(s));
    return grouped;
  }

  static List<DatasetName> parentFirst(Set<DatasetName> datasets) {
    return datasets.stream()
        .sorted(
            Comparator.comparingInt((DatasetName d) -> d.components().size())
                .thenComparing(DatasetName::value))
        .toList();
  }
}
