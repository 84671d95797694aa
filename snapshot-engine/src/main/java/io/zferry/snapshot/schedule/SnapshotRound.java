package io.zferry.snapshot.schedule;

import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the active's snapshot engine for a pool: a recursive snapshot named by the clock,
 * then retention on every dataset of the pool.
 *
 * <p>The passive reports the GUID of the newest root snapshot it applied; that snapshot (and its
 * namesakes on the child datasets, which a recursive snapshot created together) survives retention
 * so the passive can continue incrementally after a short absence.
 */
public final class SnapshotRound {
  private static final Logger log = LoggerFactory.getLogger(SnapshotRound.class);

  /** What a round did. */
  public record Result(
      Optional<SnapshotName> taken, List<SnapshotName> destroyed, List<String> problems) {
    public Result {
      destroyed = List.copyOf(destroyed);
      problems = List.copyOf(problems);
    }
  }

  /**
   * How long the active keeps the bookmarks of its snapshots, far beyond the snapshots themselves
   * (interval × retention count): a passive that was off this long still continues incrementally
   * instead of a full bootstrap. Bookmarks hold no data.
   */
  public static final java.time.Duration BOOKMARK_RETENTION = java.time.Duration.ofDays(30);

  private final Zfs zfs;
  private final DatasetName pool;
  private final Clock clock;
  private final Supplier<RetentionPolicy> retention;
  private final Supplier<Optional<Guid>> passiveApplied;

  public SnapshotRound(
      Zfs zfs,
      DatasetName pool,
      Clock clock,
      Supplier<RetentionPolicy> retention,
      Supplier<Optional<Guid>> passiveApplied) {
    this.zfs = zfs;
    this.pool = pool;
    this.clock = clock;
    this.retention = retention;
    this.passiveApplied = passiveApplied;
  }

  public Result run() {
    List<String> problems = new ArrayList<>();
    Optional<SnapshotName> taken = Optional.empty();
    Instant now = clock.instant();
    try {
      taken = Optional.of(takeNewSnapshot(zfs, pool, now));
      log.info("snapshot {}", taken.get());
    } catch (ZfsCommandException e) {
      if (e.reason() != ZfsCommandException.Reason.ALREADY_EXISTS) {
        // A pool too full for a snapshot needs retention most of all; the failure still stands.
        try {
          applyRetention(problems);
        } catch (RuntimeException retentionFailure) {
          e.addSuppressed(retentionFailure);
        }
        throw e;
      }
      problems.add(
          "every name for "
              + pool
              + "@"
              + SnapshotNaming.shortNameAt(now)
              + " is taken; no snapshot this round");
      log.warn(problems.get(problems.size() - 1));
    }
    List<SnapshotName> destroyed = applyRetention(problems);
    if (zfs.capabilities().bookmarks()) {
      taken.ifPresent(name -> bookmark(name, problems));
      expireBookmarks(now, problems);
    }
    return new Result(taken, destroyed, problems);
  }

  /**
   * Bookmarks the new snapshot on every dataset that has it. A bookmark keeps the snapshot's GUID
   * after retention destroys the snapshot, so a passive whose newest snapshot it is can still
   * continue incrementally ({@code zfs send -i DATASET#BOOKMARK}).
   */
  private void bookmark(SnapshotName taken, List<String> problems) {
    try {
      for (Snapshot s : zfs.listSnapshots(pool).snapshots()) {
        if (s.name().shortName().equals(taken.shortName())) {
          try {
            zfs.bookmark(s.name(), taken.shortName());
          } catch (RuntimeException e) {
            problems.add("could not bookmark " + s.name() + ": " + e.getMessage());
            log.warn(problems.get(problems.size() - 1));
          }
        }
      }
    } catch (RuntimeException e) {
      problems.add("could not bookmark " + taken + ": " + e.getMessage());
      log.warn(problems.get(problems.size() - 1));
    }
  }

  /**
   * Destroys zferry's bookmarks older than {@link #BOOKMARK_RETENTION}, keeping each dataset's
   * newest; other tools' bookmarks are never touched.
   */
  private void expireBookmarks(Instant now, List<String> problems) {
    try {
      Map<DatasetName, List<Bookmark>> byDataset = new LinkedHashMap<>();
      for (Bookmark b : zfs.listBookmarks(pool)) {
        if (SnapshotNaming.isOwn(b.dataset().snapshot(b.shortName()))) {
          byDataset.computeIfAbsent(b.dataset(), k -> new ArrayList<>()).add(b);
        }
      }
      Instant cutoff = now.minus(BOOKMARK_RETENTION);
      for (List<Bookmark> bookmarks : byDataset.values()) {
        bookmarks.sort(java.util.Comparator.comparingLong(Bookmark::createTxg));
        for (Bookmark b : bookmarks.subList(0, bookmarks.size() - 1)) {
          if (b.creation().isBefore(cutoff)) {
            zfs.destroyBookmark(b);
          }
        }
      }
    } catch (RuntimeException e) {
      problems.add("could not expire bookmarks of " + pool + ": " + e.getMessage());
      log.warn(problems.get(problems.size() - 1));
    }
  }

  /**
   * Takes a new recursive snapshot of {@code pool} named for {@code now}, with a suffix if that
   * name is taken: a round in the same second as another, or the clock stepped back onto names it
   * used before. An existing snapshot is never reused, because it may lack the newest writes.
   *
   * @throws ZfsCommandException with reason ALREADY_EXISTS if every name of that second is taken
   */
  public static SnapshotName takeNewSnapshot(Zfs zfs, DatasetName pool, Instant now) {
    for (int sequence = 0; ; sequence++) {
      try {
        return zfs.snapshot(pool, SnapshotNaming.shortNameAt(now, sequence), true);
      } catch (ZfsCommandException e) {
        if (e.reason() != ZfsCommandException.Reason.ALREADY_EXISTS
            || sequence == SnapshotNaming.MAX_SEQUENCE) {
          throw e;
        }
      }
    }
  }

  private List<SnapshotName> applyRetention(List<String> problems) {
    RetentionPolicy policy = retention.get();
    Map<DatasetName, List<Snapshot>> byDataset = new LinkedHashMap<>();
    for (Snapshot s : zfs.listSnapshots(pool).snapshots()) {
      byDataset.computeIfAbsent(s.dataset(), k -> new ArrayList<>()).add(s);
    }
    Optional<String> protectedShortName =
        passiveApplied
            .get()
            .flatMap(
                guid ->
                    byDataset.getOrDefault(pool, List.of()).stream()
                        .filter(s -> s.guid().equals(guid))
                        .map(s -> s.name().shortName())
                        .findFirst());

    List<SnapshotName> destroyed = new ArrayList<>();
    byDataset.forEach(
        (dataset, snapshots) -> {
          Optional<Guid> keep =
              protectedShortName.flatMap(
                  name ->
                      snapshots.stream()
                          .filter(s -> s.name().shortName().equals(name))
                          .map(Snapshot::guid)
                          .findFirst());
          for (Snapshot expired : policy.expired(snapshots, keep)) {
            try {
              zfs.destroySnapshot(expired.name());
              destroyed.add(expired.name());
            } catch (ZfsCommandException e) {
              problems.add("could not destroy " + expired.name() + ": " + e.getMessage());
              log.warn(problems.get(problems.size() - 1));
            }
          }
        });
    if (!destroyed.isEmpty()) {
      log.info("retention destroyed {} snapshot(s) of {}", destroyed.size(), pool);
    }
    return destroyed;
  }
}
