package io.zferry.service.lab;

import io.zferry.service.operations.DivergenceReport;
import io.zferry.service.operations.DivergenceReport.DatasetDivergence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * I2 for the writes a client was told succeeded after the fault: each one is on the surviving
 * active as acknowledged, unless the service was locked and the divergence report ({@code zferry
 * divergence}) named it on the node that acknowledged it. Pure: the scenario gathers the evidence,
 * this decides.
 */
final class AcknowledgedWrites {
  private AcknowledgedWrites() {}

  /**
   * One acknowledged write.
   *
   * @param node the node whose pool acknowledged it
   * @param path the file's absolute path on that node
   * @param sha256 its checksum when acknowledged
   */
  record Ack(String node, String path, String sha256) {}

  /**
   * What the old active held while the service was locked, before mark-sync-as-fixed set it aside.
   *
   * @param files path → SHA-256 of the files on the node the report is about
   * @param report what {@code zferry divergence} said then
   */
  record Locked(Map<String, String> files, DivergenceReport report) {}

  /**
   * The writes that count as acknowledged by a disk: on a node whose disk the scenario failed, only
   * those whose fsync returned before it failed. zfs-fuse answers the first fsync after its vdev
   * stopped taking writes with success (the next one hangs) and that write is not in the pool when
   * it imports again, with no zferryd involved; kernel OpenZFS suspends such an fsync instead. An
   * acknowledgement no disk gave is not one the product can keep.
   *
   * @param diskFailedAt the instant just before the scenario failed the disk, if it did
   */
  static List<Writer.Write> givenByTheDisk(
      List<Writer.Write> writes, Optional<Instant> diskFailedAt) {
    if (diskFailedAt.isEmpty()) {
      return writes;
    }
    return writes.stream().filter(w -> !w.acknowledgedAt().isAfter(diskFailedAt.get())).toList();
  }

  /**
   * The writes lost, each with what was found instead; empty if every one is kept.
   *
   * @param survivor path → SHA-256 on the surviving active at the end
   * @param locked the evidence taken while the service was locked, if it was
   */
  static List<String> lost(
      List<Ack> acks, String survivorName, Map<String, String> survivor, Optional<Locked> locked) {
    List<String> lost = new ArrayList<>();
    for (Ack ack : acks) {
      if (ack.sha256().equals(survivor.get(ack.path()))) {
        continue;
      }
      if (locked.isPresent() && named(ack, locked.get())) {
        continue;
      }
      lost.add(
          ack.path()
              + " acknowledged on "
              + ack.node()
              + (survivor.containsKey(ack.path())
                  ? " differs on " + survivorName
                  : " is missing on " + survivorName)
              + (locked.isEmpty()
                  ? " and the service was never locked"
                  : " and the divergence report does not name it on " + ack.node()));
    }
    return lost;
  }

  /**
   * Whether the report is about the node that acknowledged the write, the write is there as
   * acknowledged, and the dataset holding it has data after the last common snapshot: its changed
   * paths include it where ZFS can tell, else its own snapshots or written bytes show data.
   */
  static boolean named(Ack ack, Locked locked) {
    DivergenceReport report = locked.report();
    if (!report.node().equals(ack.node()) || !ack.sha256().equals(locked.files().get(ack.path()))) {
      return false;
    }
    Optional<DatasetDivergence> holder =
        report.datasets().stream()
            .filter(d -> ack.path().startsWith("/" + d.dataset() + "/"))
            .max(Comparator.comparingInt(d -> d.dataset().length()));
    if (holder.isEmpty()) {
      return false;
    }
    DatasetDivergence d = holder.get();
    if (d.changedPaths() != null) {
      return d.changedPaths().contains(ack.path());
    }
    return !d.snapshotsAfter().isEmpty()
        || (d.writtenBytes() != null && d.writtenBytes() > 0)
        || (d.referencedChangeBytes() != null && d.referencedChangeBytes() != 0);
  }
}
