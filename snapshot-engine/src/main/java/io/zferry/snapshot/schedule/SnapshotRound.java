package io.zferry.snapshot.schedule;

import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotDestruction;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>The passive also reports, per dataset, the oldest snapshot its transfer under way or
 * interrupted still needs (its base, or a full stream's snapshot). Retention spares it and every
 * later snapshot of that dataset, which the stream carries, so an interrupted transfer resumes
 * ({@code zfs send -t}) instead of starting over, however long it takes; but only snapshots younger
 * than a limit, so a passive gone for good cannot make the active keep snapshots without end. A
 * snapshot past the limit expires as before, said once.
 */
public final class SnapshotRound {
  private static final Logger log = LoggerFactory.getLogger(SnapshotRound.class);
  private static final PropertyName USERREFS = PropertyName.of("userrefs");

  /**
   * What a round did.
   *
   * @param keptForTransfer snapshots retention would have destroyed but kept because the passive
   *     reports its transfer needs them
   * @param releasedPastLimit snapshots the passive's transfer still needs, destroyed because they
   *     are older than the limit; each is named in one round only
   * @param foundHeld expired snapshots kept because someone holds them ({@code zfs hold}); each is
   *     named in the first round that finds it held, and then kept quietly until released
   */
  public record Result(
      Optional<SnapshotName> taken,
      List<SnapshotName> destroyed,
      List<String> problems,
      List<SnapshotName> keptForTransfer,
      List<SnapshotName> releasedPastLimit,
      List<SnapshotName> foundHeld) {
    public Result {
      destroyed = List.copyOf(destroyed);
      problems = List.copyOf(problems);
      keptForTransfer = List.copyOf(keptForTransfer);
      releasedPastLimit = List.copyOf(releasedPastLimit);
      foundHeld = List.copyOf(foundHeld);
    }

    public Result(
        Optional<SnapshotName> taken, List<SnapshotName> destroyed, List<String> problems) {
      this(taken, destroyed, problems, List.of(), List.of(), List.of());
    }
  }

  /**
   * How long, from its creation, a snapshot the passive's transfer needs is kept beyond the
   * retention count: a week covers the bootstrap of a large pool over a slow link.
   */
  public static final Duration DEFAULT_TRANSFER_KEEP_LIMIT = Duration.ofDays(7);

  /**
   * How long the active keeps the bookmarks of its snapshots, far beyond the snapshots themselves
   * (interval × retention count): a passive that was off this long still continues incrementally
   * instead of a full bootstrap. Bookmarks hold no data.
   */
  public static final Duration BOOKMARK_RETENTION = Duration.ofDays(30);

  private final Zfs zfs;
  private final DatasetName pool;
  private final Clock clock;
  private final Supplier<RetentionPolicy> retention;
  private final Supplier<Set<Guid>> passivesApplied;
  private final Supplier<Set<Guid>> passiveReceiving;
  private final Supplier<Duration> transferKeepLimit;
  // Spared no longer for being past the limit, already said: said once, not every round.
  private final Set<Guid> releasedPastLimit = new HashSet<>();
  // Expired but held by another tool or an operator, already said: asked about each round (one
  // property read, not a destroy that fails), destroyed once released.
  private final Set<Guid> held = new HashSet<>();

  public SnapshotRound(
      Zfs zfs,
      DatasetName pool,
      Clock clock,
      Supplier<RetentionPolicy> retention,
      Supplier<Optional<Guid>> passiveApplied) {
    this(
        zfs,
        pool,
        clock,
        retention,
        () -> passiveApplied.get().map(Set::of).orElse(Set.of()),
        Set::of,
        () -> DEFAULT_TRANSFER_KEEP_LIMIT);
  }

  /**
   * A round for an active with several passives: each GUID is what one passive last applied, and
   * the oldest of them on the pool root is spared, with everything after it, as for one passive.
   */
  public static SnapshotRound forPassives(
      Zfs zfs,
      DatasetName pool,
      Clock clock,
      Supplier<RetentionPolicy> retention,
      Supplier<Set<Guid>> passivesApplied) {
    return new SnapshotRound(
        zfs, pool, clock, retention, passivesApplied, Set::of, () -> DEFAULT_TRANSFER_KEEP_LIMIT);
  }

  private SnapshotRound(
      Zfs zfs,
      DatasetName pool,
      Clock clock,
      Supplier<RetentionPolicy> retention,
      Supplier<Set<Guid>> passivesApplied,
      Supplier<Set<Guid>> passiveReceiving,
      Supplier<Duration> transferKeepLimit) {
    this.zfs = zfs;
    this.pool = pool;
    this.clock = clock;
    this.retention = retention;
    this.passivesApplied = passivesApplied;
    this.passiveReceiving = passiveReceiving;
    this.transferKeepLimit = transferKeepLimit;
  }

  /**
   * The same round, sparing each snapshot the passive reports as the oldest its transfer needs, and
   * every later snapshot of its dataset, while they are younger than {@code limit}.
   */
  public SnapshotRound sparingTransfers(
      Supplier<Set<Guid>> passiveReceiving, Supplier<Duration> limit) {
    return new SnapshotRound(zfs, pool, clock, retention, passivesApplied, passiveReceiving, limit);
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
          applyRetention(problems, now);
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
    Retained retained = applyRetention(problems, now);
    if (zfs.capabilities().bookmarks()) {
      taken.ifPresent(name -> bookmark(name, problems));
      expireBookmarks(now, problems);
    }
    return new Result(
        taken,
        retained.destroyed,
        problems,
        retained.keptForTransfer,
        retained.releasedPastLimit,
        retained.foundHeld);
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
   * Destroys zferry's bookmarks that no passive can need, keeping each dataset's newest; other
   * tools' bookmarks are never touched. A bookmark is needed as the base of an incremental send
   * only while it marks the passive's newest snapshot of its dataset or a later one. On each
   * dataset, those older than both the bookmark of the snapshot the passive reports as applied and
   * any base its failed or interrupted transfers still need go (the passive has those, so it never
   * sends from an older base); all older than {@link #BOOKMARK_RETENTION} go too. Without a report,
   * or where no reported bookmark is found on a dataset, only the age counts there.
   *
   * <p>Age alone kept one bookmark per round for 30 days: 43,200 per dataset at a one-minute
   * interval, every one of them listed in every round.
   */
  private void expireBookmarks(Instant now, List<String> problems) {
    try {
      Map<DatasetName, List<Bookmark>> byDataset = new LinkedHashMap<>();
      for (Bookmark b : zfs.listBookmarks(pool)) {
        if (SnapshotNaming.isOwn(b.dataset().snapshot(b.shortName()))) {
          byDataset.computeIfAbsent(b.dataset(), k -> new ArrayList<>()).add(b);
        }
      }
      Optional<String> passiveNewest = passiveNewestBookmark(byDataset.get(pool));
      Set<Guid> needed = passiveReceiving.get();
      Instant cutoff = now.minus(BOOKMARK_RETENTION);
      for (List<Bookmark> bookmarks : byDataset.values()) {
        bookmarks.sort(java.util.Comparator.comparingLong(Bookmark::createTxg));
        // The oldest base the passive may still send from on this dataset: its newest applied
        // snapshot, or an older one a transfer that failed or was interrupted still needs.
        long neededFrom =
            bookmarks.stream()
                .filter(
                    b ->
                        passiveNewest.map(b.shortName()::equals).orElse(false)
                            || needed.contains(b.guid()))
                .mapToLong(Bookmark::createTxg)
                .min()
                .orElse(Long.MIN_VALUE);
        for (Bookmark b : bookmarks.subList(0, bookmarks.size() - 1)) {
          if (b.creation().isBefore(cutoff) || b.createTxg() < neededFrom) {
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
   * The name of the pool root's bookmark of the snapshot the passive reports as its newest applied;
   * a recursive snapshot gave the same name to the bookmarks of the child datasets.
   */
  private Optional<String> passiveNewestBookmark(List<Bookmark> rootBookmarks) {
    Set<Guid> applied = passivesApplied.get();
    if (applied.isEmpty() || rootBookmarks == null) {
      return Optional.empty();
    }
    // Of several passives, the one furthest behind.
    return rootBookmarks.stream()
        .filter(b -> applied.contains(b.guid()))
        .min(java.util.Comparator.comparingLong(Bookmark::createTxg))
        .map(Bookmark::shortName);
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

  /** What retention did in one round. */
  private static final class Retained {
    final List<SnapshotName> destroyed = new ArrayList<>();
    final List<SnapshotName> keptForTransfer = new ArrayList<>();
    final List<SnapshotName> releasedPastLimit = new ArrayList<>();
    final List<SnapshotName> foundHeld = new ArrayList<>();
  }

  /** What an operator is told, once, about an expired snapshot someone holds. */
  public static String keptWhileHeld(SnapshotName snapshot) {
    return "retention keeps "
        + snapshot
        + ": it is held (`zfs holds "
        + snapshot
        + "` says by whom); it expires once released";
  }

  /** How many snapshots this round remembers having said something about (held, released). */
  int remembered() {
    return held.size() + releasedPastLimit.size();
  }

  /**
   * Whether someone holds the snapshot ({@code userrefs} above 0): a destroy fails then, with "it's
   * being held" or, on some versions, "dataset is busy". Unknown counts as not held, so the failure
   * is reported as it came.
   */
  private boolean isHeld(SnapshotName snapshot) {
    try {
      return zfs.getSnapshotProperty(snapshot, USERREFS)
          .map(String::trim)
          .filter(refs -> refs.matches("[0-9]+"))
          .map(refs -> Long.parseLong(refs) > 0)
          .orElse(false);
    } catch (RuntimeException e) {
      log.debug("could not read the holds of {}: {}", snapshot, e.getMessage());
      return false;
    }
  }

  private Retained applyRetention(List<String> problems, Instant now) {
    RetentionPolicy policy = retention.get();
    Map<DatasetName, List<Snapshot>> byDataset = new LinkedHashMap<>();
    for (Snapshot s : zfs.listSnapshots(pool).snapshots()) {
      byDataset.computeIfAbsent(s.dataset(), k -> new ArrayList<>()).add(s);
    }
    // What was said about a snapshot matters while it exists: one destroyed by someone else is
    // forgotten, so what a round remembers never outgrows the pool's snapshots.
    Set<Guid> listed = new HashSet<>();
    byDataset.values().forEach(snapshots -> snapshots.forEach(s -> listed.add(s.guid())));
    held.retainAll(listed);
    releasedPastLimit.retainAll(listed);
    Set<Guid> applied = passivesApplied.get();
    // Of several passives, the one furthest behind.
    Optional<String> protectedShortName =
        byDataset.getOrDefault(pool, List.of()).stream()
            .filter(s -> applied.contains(s.guid()))
            .min(Snapshot.BY_CREATION)
            .map(s -> s.name().shortName());
    Set<Guid> receiving = Set.copyOf(passiveReceiving.get());
    Instant oldestKept = now.minus(transferKeepLimit.get());

    Retained retained = new Retained();
    byDataset.forEach(
        (dataset, snapshots) -> {
          Optional<Guid> keep =
              protectedShortName.flatMap(
                  name ->
                      snapshots.stream()
                          .filter(s -> s.name().shortName().equals(name))
                          .map(Snapshot::guid)
                          .findFirst());
          // The stream carries every snapshot after the oldest one the transfer needs.
          Optional<Long> neededFrom =
              snapshots.stream()
                  .filter(s -> receiving.contains(s.guid()))
                  .map(Snapshot::createTxg)
                  .min(Long::compare);
          Map<SnapshotName, Snapshot> toDestroy = new LinkedHashMap<>();
          for (Snapshot expired : policy.expired(snapshots, keep)) {
            if (neededFrom.isPresent() && expired.createTxg() >= neededFrom.get()) {
              if (!expired.creation().isBefore(oldestKept)) {
                retained.keptForTransfer.add(expired.name());
                continue;
              }
              if (releasedPastLimit.add(expired.guid())) {
                retained.releasedPastLimit.add(expired.name());
                log.warn(
                    "retention destroys {} although the passive's transfer needs it: it is older"
                        + " than the limit of {} for a transfer (that transfer will start over)",
                    expired.name(),
                    transferKeepLimit.get());
              }
            }
            if (held.contains(expired.guid())) {
              if (isHeld(expired.name())) {
                continue;
              }
              held.remove(expired.guid());
            }
            toDestroy.put(expired.name(), expired);
          }
          // One command for the dataset's expired snapshots where the ZFS allows it.
          SnapshotDestruction destruction = zfs.destroySnapshots(List.copyOf(toDestroy.keySet()));
          retained.destroyed.addAll(destruction.gone());
          destruction
              .failed()
              .forEach(
                  (name, e) -> {
                    if (isHeld(name)) {
                      held.add(toDestroy.get(name).guid());
                      retained.foundHeld.add(name);
                      log.warn(keptWhileHeld(name));
                    } else {
                      problems.add("could not destroy " + name + ": " + e.getMessage());
                      log.warn(problems.get(problems.size() - 1));
                    }
                  });
        });
    if (!retained.destroyed.isEmpty()) {
      log.info("retention destroyed {} snapshot(s) of {}", retained.destroyed.size(), pool);
    }
    if (!retained.keptForTransfer.isEmpty()) {
      log.info(
          "retention keeps {} snapshot(s) of {} beyond its count for the passive's transfer",
          retained.keptForTransfer.size(),
          pool);
    }
    return retained;
  }
}
