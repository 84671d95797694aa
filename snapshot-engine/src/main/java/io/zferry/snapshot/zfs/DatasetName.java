package io.zferry.snapshot.zfs;

import java.util.Arrays;
import java.util.List;

/** A validated ZFS filesystem or volume name such as {@code tank/data/home}. */
public record DatasetName(String value) implements Comparable<DatasetName> {
  public DatasetName {
    if (value == null || value.isEmpty()) {
      throw new InvalidNameException("dataset", value, "it is empty");
    }
    ZfsNames.requireLength("dataset", value);
    if (value.indexOf('@') >= 0 || value.indexOf('#') >= 0) {
      throw new InvalidNameException(
          "dataset", value, "it contains '@' or '#' (that is a snapshot or bookmark name)");
    }
    String[] components = value.split("/", -1);
    ZfsNames.requirePoolName(value, components[0]);
    for (String component : components) {
      ZfsNames.requireComponent("dataset", value, component);
    }
  }

  public static DatasetName of(String value) {
    return new DatasetName(value);
  }

  public String pool() {
    int slash = value.indexOf('/');
    return slash < 0 ? value : value.substring(0, slash);
  }

  public boolean isPool() {
    return value.indexOf('/') < 0;
  }

  public DatasetName child(String component) {
    return new DatasetName(value + "/" + component);
  }

  public List<String> components() {
    return Arrays.asList(value.split("/"));
  }

  /** True if {@code other} is this dataset or lies below it. */
  public boolean contains(DatasetName other) {
    return other.value.equals(value) || other.value.startsWith(value + "/");
  }

  /** The same relative path below another root, e.g. {@code tank/a/b} from tank to backup. */
  public DatasetName rebase(DatasetName fromRoot, DatasetName toRoot) {
    if (!fromRoot.contains(this)) {
      throw new IllegalArgumentException(value + " is not below " + fromRoot.value);
    }
    return new DatasetName(toRoot.value + value.substring(fromRoot.value.length()));
  }

  public SnapshotName snapshot(String shortName) {
    return new SnapshotName(this, shortName);
  }

  @Override
  public int compareTo(DatasetName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
