package io.zferry.snapshot.zfs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed result of listing a pool's snapshots. Snapshots whose names zferry refuses (see {@link
 * ZfsNames}) are reported rather than silently dropped, so an operator learns why they are not
 * considered.
 */
public record SnapshotListing(List<Snapshot> snapshots, List<String> refusedNames) {
  public SnapshotListing {
    snapshots = snapshots.stream().sorted(Snapshot.BY_CREATION).toList();
    refusedNames = List.copyOf(refusedNames);
  }

  /** Parses {@code zfs list -H -p -t snapshot -o name,guid,createtxg,creation} output. */
  public static SnapshotListing fromList(String output) {
    List<Snapshot> snapshots = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 4) {
        throw new IllegalArgumentException("unexpected zfs list line: " + ZfsNames.printable(line));
      }
      addSnapshot(snapshots, refused, fields[0], fields[1], fields[2], fields[3]);
    }
    return new SnapshotListing(snapshots, refused);
  }

  /**
   * Parses {@code zfs get -H -p -r -o name,property,value guid,createtxg,creation} output: three
   * rows per object; only snapshots (names with '@') are kept. This is the form zfs-fuse needs, as
   * its {@code zfs list} abbreviates GUIDs.
   */
  public static SnapshotListing fromGet(String output) {
    Map<String, Map<String, String>> properties = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 3) {
        throw new IllegalArgumentException("unexpected zfs get line: " + ZfsNames.printable(line));
      }
      if (fields[0].indexOf('@') < 0) {
        continue;
      }
      properties.computeIfAbsent(fields[0], k -> new HashMap<>()).put(fields[1], fields[2]);
    }
    List<Snapshot> snapshots = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    properties.forEach(
        (name, values) -> {
          String guid = values.get("guid");
          String txg = values.get("createtxg");
          String creation = values.get("creation");
          if (guid == null || txg == null || creation == null) {
            throw new IllegalArgumentException(
                "zfs get did not report guid, createtxg and creation for "
                    + ZfsNames.printable(name));
          }
          addSnapshot(snapshots, refused, name, guid, txg, creation);
        });
    return new SnapshotListing(snapshots, refused);
  }

  private static void addSnapshot(
      List<Snapshot> snapshots,
      List<String> refused,
      String name,
      String guid,
      String createTxg,
      String creation) {
    SnapshotName snapshotName;
    try {
      snapshotName = SnapshotName.parse(name);
    } catch (InvalidNameException e) {
      refused.add(name);
      return;
    }
    snapshots.add(
        new Snapshot(
            snapshotName,
            Guid.parse(guid),
            Long.parseLong(createTxg.trim()),
            Instant.ofEpochSecond(Long.parseLong(creation.trim()))));
  }
}
