package io.zferry.fakes;

import io.zferry.fakes.FakeDataset.FakeSnapshot;
import java.util.Optional;
import java.util.Set;

/** Property values of a {@link FakeZfs}: computed ones, and local, received and inherited ones. */
final class FakeProperties {
  /** Properties a child inherits from its parent when it has no value of its own. */
  private static final Set<String> INHERITABLE =
      Set.of("readonly", "mountpoint", "compression", "atime", "recordsize");

  private static final Set<String> SETTABLE =
      Set.of("readonly", "mountpoint", "canmount", "compression", "atime", "recordsize");

  /**
   * The properties zfs-fuse knows (what its {@code zfs get} lists, and the hidden ones it answers);
   * it refuses any other, where OpenZFS 2.x knows them all.
   */
  private static final Set<String> KNOWN_TO_ZFS_FUSE =
      Set.of(
          "name",
          "guid",
          "createtxg",
          "numclones",
          "available",
          "compressratio",
          "creation",
          "defer_destroy",
          "mounted",
          "origin",
          "referenced",
          "type",
          "used",
          "usedbychildren",
          "usedbydataset",
          "usedbyrefreservation",
          "usedbysnapshots",
          "userrefs",
          "aclinherit",
          "aclmode",
          "atime",
          "canmount",
          "casesensitivity",
          "checksum",
          "compression",
          "copies",
          "dedup",
          "devices",
          "exec",
          "logbias",
          "mlslabel",
          "mountpoint",
          "nbmand",
          "normalization",
          "primarycache",
          "quota",
          "readonly",
          "recordsize",
          "refquota",
          "refreservation",
          "reservation",
          "secondarycache",
          "setuid",
          "sharenfs",
          "sharesmb",
          "snapdir",
          "utf8only",
          "version",
          "volblocksize",
          "volsize",
          "vscan",
          "xattr",
          "zoned");

  private final FakeZfs zfs;

  FakeProperties(FakeZfs zfs) {
    this.zfs = zfs;
  }

  /** Fails as zfs-fuse does for a property it does not know; OpenZFS knows every one asked. */
  void requireKnown(String property, String subcommand) {
    boolean userProperty = property.contains(":");
    if (zfs.capabilities.implementation().equals("zfs-fuse")
        && !userProperty
        && !KNOWN_TO_ZFS_FUSE.contains(property)) {
      throw zfs.error("bad property list: invalid property '" + property + "'", subcommand);
    }
  }

  /** What {@code zfs get -H -p -o value} prints, empty for "-". */
  Optional<String> get(FakeDataset dataset, String property) {
    String pool = dataset.name.pool();
    switch (property) {
      case "type":
        return Optional.of(dataset.volume ? "volume" : "filesystem");
      case "mounted":
        return dataset.volume ? Optional.empty() : Optional.of(dataset.mounted ? "yes" : "no");
      case "canmount", "mountpoint":
        // Filesystem properties: zfs get prints "-" for a volume.
        if (dataset.volume) {
          return Optional.empty();
        }
        break;
      case "available":
        return Optional.of(Long.toString(zfs.poolFree(pool)));
      case "used":
        return Optional.of(
            Long.toString(zfs.tree(dataset.name).stream().mapToLong(FakeDataset::used).sum()));
      case "referenced":
        return Optional.of(Long.toString(FakeDataset.size(dataset.content)));
      case "written":
        return Optional.of(Long.toString(dataset.written()));
      case "receive_resume_token":
        return dataset.partial == null ? Optional.empty() : Optional.of(dataset.partial.token());
      case "encryption":
        return Optional.of(dataset.encryption);
      case "keystatus":
        return dataset.encryption.equals("off")
            ? Optional.empty()
            : Optional.of(dataset.keyLoaded ? "available" : "unavailable");
      default:
        break;
    }
    if (property.startsWith("written@")) {
      String since = property.substring("written@".length());
      FakeSnapshot snapshot =
          dataset
              .snapshot(since)
              .orElseThrow(
                  () ->
                      zfs.error(
                          "cannot get property: snapshot "
                              + dataset.name
                              + "@"
                              + since
                              + " does not exist",
                          "get"));
      return Optional.of(
          Long.toString(FakeDataset.changedBytes(snapshot.content, dataset.content)));
    }
    String value = effective(dataset, property);
    return value.equals("-") ? Optional.empty() : Optional.of(value);
  }

  Optional<String> ofSnapshot(FakeDataset dataset, FakeSnapshot snapshot, String property) {
    int index = dataset.snapshots.indexOf(snapshot);
    return switch (property) {
      case "guid" -> Optional.of(snapshot.guid.toString());
      case "createtxg" -> Optional.of(Long.toString(snapshot.createTxg));
      case "creation" -> Optional.of(Long.toString(snapshot.creation.getEpochSecond()));
      case "referenced" -> Optional.of(Long.toString(FakeDataset.size(snapshot.content)));
      case "written" ->
          Optional.of(
              Long.toString(
                  index == 0
                      ? FakeDataset.size(snapshot.content)
                      : FakeDataset.changedBytes(
                          dataset.snapshots.get(index - 1).content, snapshot.content)));
      case "userrefs" -> Optional.of(Integer.toString(snapshot.holds.size()));
      default -> Optional.empty();
    };
  }

  /** The value in force: local, else received, else the parent's (if inheritable), else default. */
  String effective(FakeDataset dataset, String property) {
    String local = dataset.local.get(property);
    if (local != null && !local.equals(FakeDataset.INHERIT)) {
      return local;
    }
    if (local == null && dataset.received.containsKey(property)) {
      return dataset.received.get(property);
    }
    boolean inheritable = INHERITABLE.contains(property) || property.contains(":");
    if (inheritable && !dataset.name.isPool()) {
      FakeDataset parent = zfs.datasets.get(FakeZfs.parentOf(dataset.name));
      if (parent != null) {
        String inherited = effective(parent, property);
        if (property.equals("mountpoint") && inherited.startsWith("/")) {
          String leaf = dataset.name.value().substring(parent.name.value().length() + 1);
          return (inherited.equals("/") ? "" : inherited) + "/" + leaf;
        }
        return inherited;
      }
    }
    return switch (property) {
      case "readonly", "compression", "atime" -> "off";
      case "canmount" -> "on";
      case "mountpoint" -> "/" + dataset.name.value();
      default -> "-";
    };
  }

  void set(FakeDataset dataset, String property, String value) {
    if (!SETTABLE.contains(property) && !property.contains(":")) {
      throw zfs.error(
          "cannot set property for '" + dataset.name + "': '" + property + "' is readonly", "set");
    }
    if (dataset.volume && (property.equals("mountpoint") || property.equals("canmount"))) {
      throw zfs.error(
          "cannot set property for '"
              + dataset.name
              + "': '"
              + property
              + "' does not apply to datasets of this type",
          "set");
    }
    if (property.equals("readonly") && !value.equals("on") && !value.equals("off")) {
      throw zfs.error("bad property value '" + value + "' for readonly", "set");
    }
    dataset.local.put(property, value);
    if (property.equals("mountpoint") || property.equals("canmount")) {
      // OpenZFS remounts at the new place, or unmounts what may no longer be mounted.
      dataset.mounted = dataset.mounted && whyNotMountable(dataset) == null;
    }
  }

  /** Why {@code zfs mount} refuses the dataset, or null if it can be mounted. */
  String whyNotMountable(FakeDataset dataset) {
    if (dataset.volume) {
      return "operation not applicable to datasets of this type";
    }
    if (dataset.inconsistent) {
      return "dataset is incomplete (a resumable receive is in progress)";
    }
    if (!dataset.encryption.equals("off") && !dataset.keyLoaded) {
      return "encryption key not loaded";
    }
    if (effective(dataset, "canmount").equals("off")) {
      return "'canmount' property is set to 'off'";
    }
    String mountpoint = effective(dataset, "mountpoint");
    if (mountpoint.equals("legacy")) {
      return "legacy mountpoint\nuse mount(8) to mount this filesystem";
    }
    if (mountpoint.equals("none")) {
      return "no mountpoint set";
    }
    return null;
  }
}
