package io.zferry.snapshot.zfs;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/** One snapshot as listed by ZFS: identified by GUID, ordered by the txg that created it. */
public record Snapshot(SnapshotName name, Guid guid, long createTxg, Instant creation) {
  /**
   * Creation order within a pool; the name breaks ties between siblings of one recursive snapshot.
   */
  public static final Comparator<Snapshot> BY_CREATION =
      Comparator.comparingLong(Snapshot::createTxg)
          .thenComparing(s -> s.name().dataset())
          .thenComparing(s -> s.name().shortName());

  public Snapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(guid, "guid");
    Objects.requireNonNull(creation, "creation");
    if (createTxg < 0) {
      throw new IllegalArgumentException("createtxg of " + name + " is negative: " + createTxg);
    }
  }

  public DatasetName dataset() {
    return name.dataset();
  }
}
