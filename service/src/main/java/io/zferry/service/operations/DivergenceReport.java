package io.zferry.service.operations;

import java.util.List;

/**
 * What the old active holds after the last snapshot it shares with the active node: the data an
 * automatic failover left behind, which mark-sync-as-fixed keeps aside before rolling back.
 *
 * @param node the node holding the divergent data
 * @param activeNode the node it is compared with
 * @param datasets each dataset of the pool that holds something the active node lacks
 * @param note how complete the picture is (what this ZFS cannot tell)
 */
public record DivergenceReport(
    String node, String activeNode, List<DatasetDivergence> datasets, String note) {
  public DivergenceReport {
    datasets = List.copyOf(datasets);
  }

  /**
   * @param dataset the dataset
   * @param lastCommon the newest snapshot both nodes hold (by GUID), null if none
   * @param snapshotsAfter the snapshots only this node has, after the common one
   * @param writtenBytes bytes written since the common snapshot ({@code written@}), null if this
   *     ZFS cannot tell
   * @param referencedChangeBytes how much the dataset's referenced size changed since the common
   *     snapshot, a rough measure where {@code writtenBytes} is unknown
   * @param changedPaths paths changed since the common snapshot ({@code zfs diff}), null if this
   *     ZFS cannot tell
   */
  public record DatasetDivergence(
      String dataset,
      String lastCommon,
      List<String> snapshotsAfter,
      Long writtenBytes,
      Long referencedChangeBytes,
      List<String> changedPaths) {}
}
