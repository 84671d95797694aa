package io.zferry.snapshot.zfs;

import io.zferry.snapshot.host.CommandResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Zfs#destroySnapshots} did with each snapshot it was given: gone, or still there and
 * why. A snapshot that did not exist any more counts as gone, as OpenZFS's list destroy counts it.
 *
 * @param gone destroyed now, or already absent
 * @param failed each snapshot that is still there, with the failure of its own destroy
 */
public record SnapshotDestruction(
    List<SnapshotName> gone, Map<SnapshotName, ZfsCommandException> failed) {
  private static final Logger log = LoggerFactory.getLogger(SnapshotDestruction.class);

  /**
   * Snapshots per list destroy: a week's expiry after an outage stays several short commands, each
   * well inside a command's time-out and the argument limits.
   */
  static final int SNAPSHOTS_PER_LIST = 64;

  public SnapshotDestruction {
    gone = List.copyOf(gone);
    failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
  }

  /** Destroys each snapshot with its own command: where a list cannot be destroyed in one. */
  public static SnapshotDestruction oneByOne(Zfs zfs, List<SnapshotName> snapshots) {
    List<SnapshotName> gone = new ArrayList<>();
    Map<SnapshotName, ZfsCommandException> failed = new LinkedHashMap<>();
    for (SnapshotName snapshot : snapshots) {
      try {
        zfs.destroySnapshot(snapshot);
        gone.add(snapshot);
      } catch (ZfsCommandException e) {
        if (e.reason() == ZfsCommandException.Reason.NOT_FOUND) {
          gone.add(snapshot);
        } else {
          failed.put(snapshot, e);
        }
      }
    }
    return new SnapshotDestruction(gone, failed);
  }

  /**
   * Each dataset's snapshots as lists (at most {@value #SNAPSHOTS_PER_LIST} to a list), each given
   * to {@code destroyList}, which runs {@code zfs destroy} with its {@link #listArgument}. A list
   * that fails destroyed nothing (OpenZFS destroys a list whole or not at all), so its snapshots
   * are then destroyed one by one through {@code zfs}: those that can go go, and each that cannot
   * has its own reason.
   */
  public static SnapshotDestruction inLists(
      Zfs zfs,
      List<SnapshotName> snapshots,
      Function<List<SnapshotName>, CommandResult> destroyList) {
    Map<DatasetName, List<SnapshotName>> byDataset = new LinkedHashMap<>();
    snapshots.forEach(s -> byDataset.computeIfAbsent(s.dataset(), d -> new ArrayList<>()).add(s));
    List<SnapshotName> gone = new ArrayList<>();
    Map<SnapshotName, ZfsCommandException> failed = new LinkedHashMap<>();
    for (List<SnapshotName> ofDataset : byDataset.values()) {
      for (int from = 0; from < ofDataset.size(); from += SNAPSHOTS_PER_LIST) {
        List<SnapshotName> list =
            ofDataset.subList(from, Math.min(from + SNAPSHOTS_PER_LIST, ofDataset.size()));
        SnapshotDestruction outcome = asOneList(zfs, list, destroyList);
        gone.addAll(outcome.gone);
        failed.putAll(outcome.failed);
      }
    }
    return new SnapshotDestruction(gone, failed);
  }

  /** {@code DATASET@a,b,c}: one dataset's snapshots as one argument of {@code zfs destroy}. */
  public static String listArgument(List<SnapshotName> ofOneDataset) {
    return ofOneDataset.get(0).dataset()
        + "@"
        + String.join(",", ofOneDataset.stream().map(SnapshotName::shortName).toList());
  }

  private static SnapshotDestruction asOneList(
      Zfs zfs,
      List<SnapshotName> ofOneDataset,
      Function<List<SnapshotName>, CommandResult> destroyList) {
    if (ofOneDataset.size() == 1) {
      return oneByOne(zfs, ofOneDataset);
    }
    CommandResult result = destroyList.apply(ofOneDataset);
    if (result.succeeded()) {
      return new SnapshotDestruction(ofOneDataset, Map.of());
    }
    log.debug(
        "{}: destroying {} snapshots of {} in one command failed ({}); one by one",
        zfs.hostName(),
        ofOneDataset.size(),
        ofOneDataset.get(0).dataset(),
        result.stderr().strip());
    return oneByOne(zfs, ofOneDataset);
  }
}
