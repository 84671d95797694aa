package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.SnapshotName;
import java.util.Optional;

/**
 * Evidence that a target holds data after the newest common snapshot: bytes ZFS reports as written
 * in a snapshot (since the one before it) or, with no snapshot, in the live dataset since its
 * newest snapshot.
 */
public record UniqueData(Optional<SnapshotName> snapshot, long writtenBytes) {
  public String describe() {
    return snapshot.map(s -> s + " holds ").orElse("the live dataset holds ")
        + writtenBytes
        + " bytes written after the snapshot before it";
  }
}
