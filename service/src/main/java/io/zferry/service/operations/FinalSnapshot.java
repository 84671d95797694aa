package io.zferry.service.operations;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.Puller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The final snapshot of a switchover as the active took it: one recursive snapshot of the pool, so
 * one GUID for every dataset of the service (children, volumes, encrypted ones). Roles may swap
 * only once the passive holds each of them with the same GUID (design §5 rule 6); zferry's own
 * set-aside copies are never replicated and are not expected.
 *
 * @param name the snapshot of the pool's root dataset
 * @param guids the GUID of the snapshot on every dataset, the root included
 */
public record FinalSnapshot(SnapshotName name, Map<DatasetName, Guid> guids) {
  public FinalSnapshot {
    guids = Map.copyOf(guids);
    if (!guids.containsKey(name.dataset())) {
      throw new IllegalArgumentException("the final snapshot has no GUID for " + name.dataset());
    }
    for (DatasetName dataset : guids.keySet()) {
      if (!name.dataset().contains(dataset)) {
        throw new IllegalArgumentException(dataset + " is not below " + name.dataset());
      }
    }
  }

  /**
   * Picks the final snapshot from the active's listing: every dataset below the pool's root that
   * has a snapshot of that short name.
   */
  public static FinalSnapshot of(SnapshotName name, SnapshotListing active) {
    Map<DatasetName, Guid> guids = new TreeMap<>();
    for (Snapshot s : active.snapshots()) {
      if (s.name().shortName().equals(name.shortName())
          && name.dataset().contains(s.dataset())
          && !Puller.isSetAside(s.dataset())) {
        guids.put(s.dataset(), s.guid());
      }
    }
    if (!guids.containsKey(name.dataset())) {
      throw new IllegalStateException("the final snapshot " + name + " is missing");
    }
    return new FinalSnapshot(name, guids);
  }

  public Guid rootGuid() {
    return guids.get(name.dataset());
  }

  /** One dataset that the passive does not hold at the final snapshot. */
  public sealed interface Mismatch {
    DatasetName dataset();

    String describe();

    /** The passive has no snapshot of the dataset with the final snapshot's GUID. */
    record Missing(DatasetName dataset, Guid expected) implements Mismatch {
      @Override
      public String describe() {
        return dataset + " is missing (GUID " + expected + " not received)";
      }
    }

    /** The passive has a snapshot of that name, but it is another snapshot. */
    record OtherGuid(DatasetName dataset, Guid expected, Guid found) implements Mismatch {
      @Override
      public String describe() {
        return dataset + " has another GUID (" + found + ", expected " + expected + ")";
      }
    }
  }

  /**
   * The datasets the passive does not hold at this snapshot, by GUID (names can lie), in name
   * order; empty when every dataset arrived.
   */
  public List<Mismatch> mismatches(SnapshotListing passive) {
    List<Mismatch> missing = new ArrayList<>();
    for (Map.Entry<DatasetName, Guid> expected : new TreeMap<>(guids).entrySet()) {
      DatasetName dataset = expected.getKey();
      boolean held =
          passive.snapshots().stream()
              .anyMatch(s -> s.dataset().equals(dataset) && s.guid().equals(expected.getValue()));
      if (held) {
        continue;
      }
      Optional<Snapshot> sameName =
          passive.snapshots().stream()
              .filter(s -> s.name().equals(dataset.snapshot(name.shortName())))
              .findFirst();
      missing.add(
          sameName.isPresent()
              ? new Mismatch.OtherGuid(dataset, expected.getValue(), sameName.get().guid())
              : new Mismatch.Missing(dataset, expected.getValue()));
    }
    return missing;
  }

  /** One line naming every mismatched dataset. */
  public static String describe(List<Mismatch> mismatches) {
    return String.join("; ", mismatches.stream().map(Mismatch::describe).toList());
  }
}
