package io.zferry.service.operations;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.plan.ReplicationPlanner;
import io.zferry.sync.pull.Puller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compares this node's copy of a pool with the active node's, dataset by dataset and by GUID, and
 * describes everything this node holds after the newest common snapshot: its own snapshots, and
 * writes never snapshotted where ZFS can measure them.
 */
public final class DivergenceInspector {
  private static final int MAX_PATHS = 1000;
  private static final PropertyName REFERENCED = PropertyName.of("referenced");

  private final Zfs local;
  private final Zfs active;
  private final DatasetName pool;

  public DivergenceInspector(Zfs local, Zfs active, DatasetName pool) {
    this.local = local;
    this.active = active;
    this.pool = pool;
  }

  public DivergenceReport inspect(String node, String activeNode) {
    Map<DatasetName, List<Snapshot>> mine = byDataset(local.listSnapshots(pool).snapshots());
    Map<DatasetName, List<Snapshot>> theirs = byDataset(active.listSnapshots(pool).snapshots());
    List<DivergenceReport.DatasetDivergence> datasets = new ArrayList<>();
    boolean writtenKnown = true;
    boolean diffKnown = true;
    for (DatasetName dataset : local.listDatasets(pool)) {
      if (Puller.isSetAside(dataset)) {
        continue;
      }
      Plan plan =
          ReplicationPlanner.plan(
              theirs.getOrDefault(dataset, List.of()), mine.getOrDefault(dataset, List.of()));
      Optional<Snapshot> common = plan.newestCommon();
      List<String> after =
          plan instanceof Plan.Diverged diverged
              ? diverged.targetOnly().stream().map(s -> s.name().shortName()).toList()
              : List.of();
      Long written = null;
      Long referencedChange = null;
      List<String> paths = null;
      if (common.isPresent()) {
        written =
            longProperty(dataset, PropertyName.of("written@" + common.get().name().shortName()));
        writtenKnown &= written != null;
        Long now = longProperty(dataset, REFERENCED);
        Long then = snapshotReferenced(common.get());
        referencedChange = now != null && then != null ? now - then : null;
        paths =
            local
                .changedPaths(common.get().name(), dataset)
                .map(l -> l.size() > MAX_PATHS ? l.subList(0, MAX_PATHS) : l)
                .orElse(null);
        diffKnown &= paths != null;
      }
      boolean changed =
          !after.isEmpty()
              || common.isEmpty()
              || (written != null && written > 0)
              || (paths != null && !paths.isEmpty())
              || (written == null
                  && paths == null
                  && referencedChange != null
                  && referencedChange != 0);
      if (changed) {
        datasets.add(
            new DivergenceReport.DatasetDivergence(
                dataset.value(),
                common.map(s -> s.name().shortName()).orElse(null),
                after,
                written,
                referencedChange,
                paths));
      }
    }
    String note =
        writtenKnown && diffKnown
            ? "complete: ZFS reports bytes written and changed paths"
            : "this ZFS cannot report "
                + (writtenKnown ? "" : "bytes written (written@)")
                + (!writtenKnown && !diffKnown ? " or " : "")
                + (diffKnown ? "" : "changed paths (zfs diff)")
                + "; writes that change no size, never snapshotted, may not show here, but"
                + " mark-sync-as-fixed keeps the whole dataset aside regardless";
    return new DivergenceReport(node, activeNode, datasets, note);
  }

  private Long longProperty(DatasetName dataset, PropertyName property) {
    try {
      return local.getProperty(dataset, property).map(Long::parseLong).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Long snapshotReferenced(Snapshot snapshot) {
    try {
      return local
          .getSnapshotProperty(snapshot.name(), REFERENCED)
          .map(Long::parseLong)
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Map<DatasetName, List<Snapshot>> byDataset(List<Snapshot> snapshots) {
    Map<DatasetName, List<Snapshot>> grouped = new TreeMap<>();
    for (Snapshot snapshot : snapshots) {
      grouped.computeIfAbsent(snapshot.dataset(), d -> new ArrayList<>()).add(snapshot);
    }
    return grouped;
  }
}
