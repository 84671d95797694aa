package io.zferry.sync.plan;

import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the passive must do to mirror one dataset of the active, decided from the two snapshot lists
 * alone. Snapshots are matched by GUID: a name can be reused, a GUID cannot.
 */
public sealed interface Plan {
  /**
   * Target snapshots whose GUID the source no longer has and that are older than the newest common
   * snapshot: the source's retention removed them, so the target removes them too.
   */
  List<Snapshot> expire();

  /** The newest snapshot both sides hold, if any. */
  Optional<Snapshot> newestCommon();

  /** A one-line reason, for logs and the status. */
  String describe();

  /**
   * The source's snapshots the transfer of this plan needs, oldest first: its incremental base and
   * every snapshot its stream carries ({@code -I} brings the intermediate ones). A resume token
   * names one of them; the source's retention must keep them while the transfer is under way or
   * interrupted. Empty where nothing is sent; a bookmark base is not a snapshot.
   */
  List<Snapshot> transferNeeds();

  /** "1 snapshot", "3 snapshots". */
  private static String counted(List<Snapshot> snapshots) {
    return snapshots.size() + (snapshots.size() == 1 ? " snapshot" : " snapshots");
  }

  private static List<Snapshot> baseAnd(Snapshot base, List<Snapshot> carried) {
    List<Snapshot> all = new ArrayList<>();
    all.add(base);
    carried.stream().filter(s -> !s.guid().equals(base.guid())).forEach(all::add);
    return List.copyOf(all);
  }

  /** The source has no snapshot yet; nothing can be sent. */
  record NothingToSend(List<Snapshot> expire) implements Plan {
    public NothingToSend {
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "the source has no snapshot yet";
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return List.of();
    }
  }

  /** The target holds the source's newest snapshot. */
  record UpToDate(Snapshot latest, List<Snapshot> expire) implements Plan {
    public UpToDate {
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.of(latest);
    }

    @Override
    public String describe() {
      return "up to date at " + latest.name().shortName();
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return List.of();
    }
  }

  /**
   * Send everything from {@code common} to {@code latest} ({@code zfs send -I}), so the
   * intermediate snapshots arrive too and stay available as rollback points.
   */
  record Incremental(
      Snapshot common, Snapshot latest, List<Snapshot> missing, List<Snapshot> expire)
      implements Plan {
    public Incremental {
      missing = List.copyOf(missing);
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.of(common);
    }

    @Override
    public String describe() {
      return "incremental from "
          + common.name().shortName()
          + " to "
          + latest.name().shortName()
          + " ("
          + Plan.counted(missing)
          + ")";
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return Plan.baseAnd(common, missing);
    }
  }

  /**
   * No GUID is shared: the target must be rebuilt from a full stream of {@code snapshot}. Whatever
   * the target holds ({@code targetSnapshots}) is to be set aside first, never silently destroyed.
   */
  record Bootstrap(Snapshot snapshot, List<Snapshot> targetSnapshots) implements Plan {
    public Bootstrap {
      targetSnapshots = List.copyOf(targetSnapshots);
    }

    @Override
    public List<Snapshot> expire() {
      return List.of();
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "full send of "
          + snapshot.name().shortName()
          + (targetSnapshots.isEmpty()
              ? ""
              : "; no common snapshot with the " + targetSnapshots.size() + " on the target");
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return List.of(snapshot);
    }
  }

  /**
   * No snapshot is common any more, but the source kept a bookmark of the target's newest snapshot
   * (same GUID): the target continues incrementally from it ({@code zfs send -i DATASET#BOOKMARK
   * DATASET@LATEST}), instead of a full bootstrap. Only {@code latest} arrives.
   */
  record FromBookmark(Bookmark base, Snapshot targetBase, Snapshot latest, List<Snapshot> expire)
      implements Plan {
    public FromBookmark {
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "incremental from bookmark #"
          + base.shortName()
          + " (of "
          + targetBase.name().shortName()
          + ", gone on the source) to "
          + latest.name().shortName();
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return List.of(latest);
    }
  }

  /**
   * The target's only snapshots after the newest common one are other tools' (an operator's, a
   * snapshot tool's: names not zferry's), and the source has newer snapshots. An incremental
   * receive can only follow the target's newest snapshot, so those would be rolled back ({@code zfs
   * receive -F}): acceptable only if they hold no data beyond {@code common}, which the executor
   * checks on the target first, and announced. Otherwise it is a divergence.
   */
  record ForeignAfterCommon(
      Snapshot common,
      Snapshot latest,
      List<Snapshot> missing,
      List<Snapshot> foreign,
      List<Snapshot> expire)
      implements Plan {
    public ForeignAfterCommon {
      missing = List.copyOf(missing);
      foreign = List.copyOf(foreign);
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.of(common);
    }

    @Override
    public String describe() {
      return "incremental from "
          + common.name().shortName()
          + " to "
          + latest.name().shortName()
          + " ("
          + Plan.counted(missing)
          + ") over the target's own "
          + foreign.stream().map(s -> s.name().shortName()).toList();
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return Plan.baseAnd(common, missing);
    }
  }

  /**
   * The target's only snapshots after the newest common one are the source's own, received from it
   * in a transfer the source then cut short by destroying them ({@code -I} applies each snapshot of
   * its stream as it arrives): not a divergence, but the active's expiry overtaking the passive.
   * The target is rolled back to {@code common}, dropping them as the source did, and receives
   * {@code missing} up to {@code latest} ({@code common} itself if the source has nothing newer).
   */
  record DroppedBySource(
      Snapshot common,
      Snapshot latest,
      List<Snapshot> missing,
      List<Snapshot> dropped,
      List<Snapshot> expire)
      implements Plan {
    public DroppedBySource {
      missing = List.copyOf(missing);
      dropped = List.copyOf(dropped);
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.of(common);
    }

    @Override
    public String describe() {
      String rollback =
          "roll back "
              + dropped.stream().map(s -> s.name().shortName()).toList()
              + " to "
              + common.name().shortName()
              + " (the source destroyed them while they were being received)";
      if (missing.isEmpty()) {
        return rollback;
      }
      return rollback
          + ", then incremental to "
          + latest.name().shortName()
          + " ("
          + Plan.counted(missing)
          + ")";
    }

    @Override
    public List<Snapshot> transferNeeds() {
      return missing.isEmpty() ? List.of() : Plan.baseAnd(common, missing);
    }
  }

  /**
   * The target has snapshots after the newest common one that the source lacks: writes happened on
   * both sides. Nothing is sent; resolving it discards one side's writes and is an operator's call.
   */
  record Diverged(
      Snapshot common, List<Snapshot> sourceOnly, List<Snapshot> targetOnly, List<Snapshot> expire)
      implements Plan {
    public Diverged {
      sourceOnly = List.copyOf(sourceOnly);
      targetOnly = List.copyOf(targetOnly);
      expire = List.copyOf(expire);
    }

    @Override
    public Optional<Snapshot> newestCommon() {
      return Optional.of(common);
    }

    @Override
    public String describe() {
      return "diverged after "
          + common.name().shortName()
          + ": the target alone has "
          + targetOnly.stream().map(s -> s.name().shortName()).toList()
          + ", the source alone has "
          + sourceOnly.size()
          + " newer snapshot(s)";
    }

    @Override
    public List<Snapshot> transferNeeds() {
      // Sent only when an operator resolved the divergence.
      return Plan.baseAnd(common, sourceOnly);
    }
  }
}
