package io.zferry.sync.pull;

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
    return "snapshot(s) "
        + snapshots
        + " on the passive, not taken by zferry, held no data after "
        + common.shortName()
        + " and are rolled back to receive "
        + receiving.shortName();
  }
}
