package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks a target whether a dataset holds anything after its newest common snapshot: the {@code
 * written} property of each later snapshot and of the dataset itself. Zero everywhere means a
 * rollback to the common snapshot loses nothing. Where the answer is unknown (zfs-fuse has no
 * {@code written}; a failed command), the data must be assumed unique.
 */
final class UniqueDataProbe {
  private static final PropertyName WRITTEN = PropertyName.of("written");

  private UniqueDataProbe() {}

  /**
   * @param after the dataset's snapshots after the common one, oldest first (contiguous)
   * @return what holds data (empty if nothing does), or empty if this ZFS cannot tell
   */
  static Optional<List<UniqueData>> beyondCommon(
      Zfs target, DatasetName dataset, List<Snapshot> after) {
    List<UniqueData> found = new ArrayList<>();
    try {
      for (Snapshot snapshot : after) {
        Optional<Long> written =
            target.getSnapshotProperty(snapshot.name(), WRITTEN).flatMap(UniqueDataProbe::number);
        if (written.isEmpty()) {
          return Optional.empty();
        }
        if (written.get() > 0) {
          found.add(new UniqueData(Optional.of(snapshot.name()), written.get()));
        }
      }
      Optional<Long> live = target.getProperty(dataset, WRITTEN).flatMap(UniqueDataProbe::number);
      if (live.isEmpty()) {
        return Optional.empty();
      }
      if (live.get() > 0) {
        found.add(new UniqueData(Optional.empty(), live.get()));
      }
      return Optional.of(found);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> number(String value) {
    try {
      return Optional.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
