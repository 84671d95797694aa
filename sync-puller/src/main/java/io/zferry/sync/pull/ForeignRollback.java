package io.zferry.sync.pull;

import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.List;

/**
 * Snapshots another tool or an operator took on the passive after the newest common snapshot,
 * rolled back ({@code zfs receive -F}) so the next incremental could be received. Only done when
 * they held no data beyond {@code common}; announced before the receive, for the event history, the
 * status and the GUI.
 */
public record ForeignRollback(
    DatasetName dataset,
    SnapshotName common,
    List<SnapshotName> snapshots,
    SnapshotName receiving) {
  public ForeignRollback {
    snapshots = List.copyOf(snapshots);
  }

  public String describe() {
    // zferry's own rescue snapshot (taken before a resync) is no scheduled one, so it is rolled
    // back here too; it is named as zferry's, not as another tool's.
    List<SnapshotName> rescue = snapshots.stream().filter(SnapshotNaming::isRescue).toList();
    List<SnapshotName> foreign =
        snapshots.stream().filter(s -> !SnapshotNaming.isRescue(s)).toList();
    String which;
    if (foreign.isEmpty()) {
      which = "zferry's rescue snapshot(s) " + rescue + " on the passive, taken before its resync,";
    } else if (rescue.isEmpty()) {
      which = "snapshot(s) " + foreign + " on the passive, not taken by zferry,";
    } else {
      which =
          "snapshot(s) "
              + foreign
              + " on the passive, not taken by zferry, and zferry's rescue snapshot(s) "
              + rescue
              + ",";
    }
    return which
        + " held no data after "
        + common.shortName()
        + " and are rolled back to receive "
        + receiving.shortName();
  }
}
