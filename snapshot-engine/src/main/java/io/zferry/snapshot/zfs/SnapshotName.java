package io.zferry.snapshot.zfs;

/** A validated snapshot name: a dataset and the part after '@'. */
public record SnapshotName(DatasetName dataset, String shortName) {
  public SnapshotName {
    if (dataset == null) {
      throw new InvalidNameException("snapshot", null, "it has no dataset");
    }
    String whole = dataset.value() + "@" + shortName;
    if (shortName == null || shortName.isEmpty()) {
      throw new InvalidNameException("snapshot", whole, "the part after '@' is empty");
    }
    ZfsNames.requireLength("snapshot", whole);
    ZfsNames.requireComponent("snapshot", whole, shortName);
  }

  /** Parses {@code pool/fs@snap}; anything else is refused with the reason. */
  public static SnapshotName parse(String full) {
    if (full == null) {
      throw new InvalidNameException("snapshot", null, "it is missing");
    }
    int at = full.indexOf('@');
    if (at < 0) {
      throw new InvalidNameException("snapshot", full, "it has no '@'");
    }
    if (full.indexOf('@', at + 1) >= 0) {
      throw new InvalidNameException("snapshot", full, "it has more than one '@'");
    }
    DatasetName dataset;
    try {
      dataset = new DatasetName(full.substring(0, at));
    } catch (InvalidNameException e) {
      throw new InvalidNameException(
          "snapshot", full, "its dataset part is invalid: " + e.getMessage());
    }
    return new SnapshotName(dataset, full.substring(at + 1));
  }

  @Override
  public String toString() {
    return dataset.value() + "@" + shortName;
  }
}
