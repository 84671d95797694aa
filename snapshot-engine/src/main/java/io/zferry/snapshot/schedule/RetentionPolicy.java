package io.zferry.snapshot.schedule;

import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of zferry's own snapshots of one dataset to destroy: all but the newest {@code keep},
 * except the snapshot the passive last reported as applied. Destroying that one while the passive
 * is behind would leave it no common snapshot and force a full bootstrap after a short outage.
 * Snapshots not named by zferry are never chosen.
 */
public record RetentionPolicy(int keep) {
  public static final int MIN_KEEP = 1;
  public static final int MAX_KEEP = 10_000;

  public RetentionPolicy {
    if (keep < MIN_KEEP || keep > MAX_KEEP) {
      throw new IllegalArgumentException(
          "retention count " + keep + " is out of range " + MIN_KEEP + ".." + MAX_KEEP);
    }
  }

  /**
   * @param snapshots the dataset's snapshots, any order
   * @param passiveApplied the GUID the passive last reported as applied, if known
   * @return snapshots to destroy, oldest first
   */
  public List<Snapshot> expired(List<Snapshot> snapshots, Optional<Guid> passiveApplied) {
    List<Snapshot> own =
        snapshots.stream()
            .filter(s -> SnapshotNaming.isOwn(s.name()))
            .sorted(Snapshot.BY_CREATION)
            .toList();
    if (own.size() <= keep) {
      return List.of();
    }
    int firstSpared = own.size() - keep;
    for (int i = 0; i < own.size(); i++) {
      if (passiveApplied.isPresent() && passiveApplied.get().equals(own.get(i).guid())) {
        firstSpared = Math.min(firstSpared, i);
      }
    }
    return new ArrayList<>(own.subList(0, firstSpared));
  }
}
