package io.zferry.snapshot.zfs;

import java.time.Instant;
import java.util.Objects;

/**
 * A ZFS bookmark ({@code pool/fs#name}): a snapshot's GUID and txg kept without its data. An
 * incremental stream can start from it ({@code zfs send -i pool/fs#name pool/fs@new}) after the
 * snapshot itself is gone, so the active keeps bookmarks longer than snapshots and a passive that
 * was away resumes incrementally.
 */
public record Bookmark(
    DatasetName dataset, String shortName, Guid guid, long createTxg, Instant creation) {
  public Bookmark {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(guid, "guid");
    Objects.requireNonNull(creation, "creation");
    if (shortName == null || shortName.isEmpty()) {
      throw new InvalidNameException("bookmark", dataset + "#", "the part after '#' is empty");
    }
    ZfsNames.requireLength("bookmark", dataset.value() + "#" + shortName);
    ZfsNames.requireComponent("bookmark", dataset.value() + "#" + shortName, shortName);
  }

  /** Parses {@code pool/fs#name}. */
  public static String[] split(String full) {
    int hash = full.indexOf('#');
    if (hash < 0 || full.indexOf('#', hash + 1) >= 0) {
      throw new InvalidNameException("bookmark", full, "it needs exactly one '#'");
    }
    return new String[] {full.substring(0, hash), full.substring(hash + 1)};
  }

  public String fullName() {
    return dataset.value() + "#" + shortName;
  }

  @Override
  public String toString() {
    return fullName();
  }
}
