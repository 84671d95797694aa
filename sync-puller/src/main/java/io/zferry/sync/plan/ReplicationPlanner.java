package io.zferry.sync.plan;

import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides how to bring a target dataset level with its source, from the two snapshot lists of that
 * dataset. Pure: no ZFS, no clock. Each list is ordered by creation txg (the order of its own
 * pool).
 *
 * <p>Snapshots zferry did not make (names that are not {@link SnapshotNaming}'s) coexist: they are
 * never expired, and when they are the target's only snapshots after the common one they do not
 * make a divergence by themselves ({@link Plan.ForeignAfterCommon}, or {@link Plan.UpToDate} while
 * nothing is to be received).
 */
public final class ReplicationPlanner {
  private ReplicationPlanner() {}

  public static Plan plan(List<Snapshot> source, List<Snapshot> target) {
    return plan(source, target, SnapshotNaming::isOwn);
  }

  /**
   * @param own whether a snapshot is zferry's own: only those are expired, and only those on the
   *     target after the common snapshot make a divergence by their name alone
   */
  public static Plan plan(
      List<Snapshot> source, List<Snapshot> target, Predicate<SnapshotName> own) {
    return plan(source, target, own, List.of());
  }

  /**
   * @param sourceBookmarks the source dataset's bookmarks: when no snapshot is common, one with the
   *     GUID of the target's newest snapshot lets the target continue incrementally
   */
  public static Plan plan(
      List<Snapshot> source,
      List<Snapshot> target,
      Predicate<SnapshotName> own,
      List<Bookmark> sourceBookmarks) {
    return plan(source, target, own, sourceBookmarks, Set.of());
  }

  /**
   * @param receivedFromSource GUIDs of the source's snapshots that an interrupted transfer from it
   *     carried to the target: when the target's only snapshots after the common one are among
   *     them, the source destroyed them after sending them ({@link Plan.DroppedBySource}), which is
   *     no divergence
   */
  public static Plan plan(
      List<Snapshot> source,
      List<Snapshot> target,
      Predicate<SnapshotName> own,
      List<Bookmark> sourceBookmarks,
      Set<Guid> receivedFromSource) {
    List<Snapshot> sourceOrdered = source.stream().sorted(Snapshot.BY_CREATION).toList();
    List<Snapshot> targetOrdered = target.stream().sorted(Snapshot.BY_CREATION).toList();
    Set<Guid> sourceGuids = guids(sourceOrdered);
    Set<Guid> targetGuids = guids(targetOrdered);

    Optional<Snapshot> newestCommonOnTarget =
        lastMatching(targetOrdered, s -> sourceGuids.contains(s.guid()));

    if (newestCommonOnTarget.isEmpty()) {
      if (sourceOrdered.isEmpty()) {
        return new Plan.NothingToSend(List.of());
      }
      Snapshot latest = sourceOrdered.get(sourceOrdered.size() - 1);
      if (!targetOrdered.isEmpty()) {
        Snapshot targetNewest = targetOrdered.get(targetOrdered.size() - 1);
        Optional<Bookmark> base =
            sourceBookmarks.stream()
                .filter(b -> b.guid().equals(targetNewest.guid()))
                .filter(b -> b.createTxg() < latest.createTxg())
                .findFirst();
        if (base.isPresent()) {
          List<Snapshot> expire =
              targetOrdered.subList(0, targetOrdered.size() - 1).stream()
                  .filter(s -> own.test(s.name()))
                  .toList();
          return new Plan.FromBookmark(base.get(), targetNewest, latest, expire);
        }
      }
      return new Plan.Bootstrap(sourceOrdered.get(sourceOrdered.size() - 1), targetOrdered);
    }

    Guid commonGuid = newestCommonOnTarget.get().guid();
    int commonOnSource = indexOf(sourceOrdered, commonGuid);
    int commonOnTarget = indexOf(targetOrdered, commonGuid);
    Snapshot common = sourceOrdered.get(commonOnSource);

    List<Snapshot> expire = new ArrayList<>();
    for (Snapshot s : targetOrdered.subList(0, commonOnTarget)) {
      if (!sourceGuids.contains(s.guid()) && own.test(s.name())) {
        expire.add(s);
      }
    }
    List<Snapshot> targetOnly = targetOrdered.subList(commonOnTarget + 1, targetOrdered.size());
    List<Snapshot> sourceNewer = new ArrayList<>();
    for (Snapshot s : sourceOrdered.subList(commonOnSource + 1, sourceOrdered.size())) {
      if (!targetGuids.contains(s.guid())) {
        sourceNewer.add(s);
      }
    }

    boolean onlyForeignAfterCommon = targetOnly.stream().noneMatch(s -> own.test(s.name()));
    if (!targetOnly.isEmpty() && onlyForeignAfterCommon) {
      if (sourceNewer.isEmpty()) {
        return new Plan.UpToDate(common, expire);
      }
      return new Plan.ForeignAfterCommon(
          common, sourceNewer.get(sourceNewer.size() - 1), sourceNewer, targetOnly, expire);
    }
    boolean allSentByTheSource =
        targetOnly.stream().allMatch(s -> receivedFromSource.contains(s.guid()));
    if (!targetOnly.isEmpty() && allSentByTheSource) {
      Snapshot latest = sourceNewer.isEmpty() ? common : sourceNewer.get(sourceNewer.size() - 1);
      return new Plan.DroppedBySource(common, latest, sourceNewer, targetOnly, expire);
    }
    if (!targetOnly.isEmpty()) {
      return new Plan.Diverged(common, sourceNewer, targetOnly, expire);
    }
    if (sourceNewer.isEmpty()) {
      return new Plan.UpToDate(common, expire);
    }
    return new Plan.Incremental(
        common, sourceNewer.get(sourceNewer.size() - 1), sourceNewer, expire);
  }

  private static Set<Guid> guids(List<Snapshot> snapshots) {
    Set<Guid> guids = new HashSet<>();
    snapshots.forEach(s -> guids.add(s.guid()));
    return guids;
  }

  private static Optional<Snapshot> lastMatching(
      List<Snapshot> snapshots, java.util.function.Predicate<Snapshot> predicate) {
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      if (predicate.test(snapshots.get(i))) {
        return Optional.of(snapshots.get(i));
      }
    }
    return Optional.empty();
  }

  private static int indexOf(List<Snapshot> snapshots, Guid guid) {
    for (int i = 0; i < snapshots.size(); i++) {
      if (snapshots.get(i).guid().equals(guid)) {
        return i;
      }
    }
    throw new IllegalStateException("GUID " + guid + " vanished while planning");
  }
}
