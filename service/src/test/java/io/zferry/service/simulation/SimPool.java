package io.zferry.service.simulation;

import io.zferry.fakes.FakeTransfer;
import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.SetAsideRoom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A node's pool in the simulation: its live content (the writes it holds, in order) and its
 * snapshots, each an immutable copy with a GUID shared by every copy of it. It survives a crash.
 * Receiving rolls back as {@code zfs recv -F} does, and reports what it discarded so the checks can
 * tell whether that data existed anywhere else.
 *
 * <p>Optionally backed by the shared {@link FakeZfs}: every write is a file there, every snapshot,
 * rollback and receive runs there too ({@code send -I} piped into {@code receive -F} by {@link
 * FakeTransfer}), and {@link #mismatch()} says where the two differ, which the simulation checks
 * after every step that ran a command there; the sets here keep the invariant checks fast.
 */
final class SimPool {
  /**
   * A snapshot; a foreign one is not named as zferry's schedule names them (the rescue snapshot
   * mark-sync-as-fixed takes), so the replication planner never counts it as a divergence.
   */
  record Snap(long guid, List<Integer> content, boolean foreign) {}

  /** What a pull did: the writes it discarded, and whether the copies diverged. */
  record Received(List<Integer> discarded, boolean diverged, boolean changed) {}

  /**
   * What mark-sync-as-fixed resolved on the old side.
   *
   * @param failure why it stopped with the sync still locked, if it did
   * @param keptAside the writes it kept in a set-aside copy
   * @param discarded the writes it rolled back without a copy (only with --discard-divergent)
   */
  record Resynced(Optional<String> failure, List<Integer> keptAside, List<Integer> discarded) {}

  final Set<Integer> live = new LinkedHashSet<>();

  /** Set-aside copies ({@code tank/zferry-aside-*}) of diverged data: kept, never replicated. */
  final Set<Integer> aside = new LinkedHashSet<>();

  final List<Snap> snapshots = new ArrayList<>();
  private final Set<Integer> snapshotted = new HashSet<>();
  private final Set<Long> guids = new HashSet<>();
  boolean readOnly = true;
  private boolean full;

  private static final DatasetName TANK = DatasetName.of("tank");
  private static final long POOL_SIZE = 1L << 30;

  private final Optional<FakeZfs> zfs;

  /**
   * Whether FakeZfs ran a command since {@link #mismatch()} last compared it with the model: only
   * this class changes either, always both together, so an untouched pair still agrees.
   */
  private boolean changedSinceCompared = true;

  private SimPool(Optional<FakeZfs> zfs, Snap initial) {
    this.zfs = zfs;
    add(initial);
    live.addAll(initial.content());
  }

  /** The first node's pool, with the initial snapshot. */
  static SimPool first(Optional<FakeZfs> zfs, Snap initial) {
    zfs.ifPresent(
        z -> {
          z.createPool("tank", POOL_SIZE);
          z.snapshot(TANK, name(initial), false);
        });
    return new SimPool(zfs, initial);
  }

  /**
   * The other node's pool, bootstrapped from the first one's initial snapshot; on FakeZfs if the
   * first one is.
   */
  static SimPool replicaOf(SimPool source, Optional<FakeZfs> zfs) {
    if (source.zfs.isPresent() != zfs.isPresent()) {
      throw new IllegalArgumentException("both pools are on FakeZfs, or neither");
    }
    Snap initial = source.snapshots.get(0);
    zfs.ifPresent(
        z -> {
          z.createPool("tank", POOL_SIZE);
          transfer(
              source.zfs.orElseThrow(),
              new SendSpec.Full(TANK.snapshot(name(initial)), SendFlags.PLAIN),
              z,
              ReceiveSpec.into(TANK).forced());
        });
    return new SimPool(zfs, initial);
  }

  private static String name(Snap snap) {
    return (snap.foreign() ? "zferry-rescue-" : "s") + snap.guid();
  }

  private static void transfer(FakeZfs from, SendSpec send, FakeZfs to, ReceiveSpec receive) {
    FakeTransfer.Result result = FakeTransfer.run(from, send, to, receive);
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "FakeZfs refused " + send.arguments() + " | receive: " + result.received());
    }
  }

  /**
   * A client's write: a file in the pool's root. False if the pool refused it for lack of space, so
   * it was never acknowledged. On FakeZfs, its space accounting decides: a pool filled up frees
   * room again as snapshots expire, as a real one does.
   */
  boolean write(int write) {
    boolean accepted;
    if (zfs.isEmpty()) {
      accepted = !full;
    } else {
      try {
        onFakeZfs(z -> z.writeFile(TANK, "w" + write, "acknowledged"));
        accepted = true;
      } catch (IllegalStateException e) {
        if (!e.getMessage().startsWith("No space left")) {
          throw e;
        }
        accepted = false;
      }
    }
    if (accepted) {
      live.add(write);
    }
    return accepted;
  }

  /** Whether the pool was last filled up rather than freed; its free space may have grown since. */
  boolean full() {
    return full;
  }

  /**
   * Fills the pool, or frees it again: on FakeZfs the pool's size becomes what it uses, so writes
   * and receives fail there for lack of space as they do on a full pool.
   */
  void full(boolean nowFull) {
    if (nowFull == full) {
      return;
    }
    full = nowFull;
    onFakeZfs(
        z -> {
          if (nowFull) {
            z.fillPool("tank");
          } else {
            z.setPoolSize("tank", POOL_SIZE);
          }
        });
  }

  /**
   * Whether the divergent data fits aside, by the rule the puller applies ({@link SetAsideRoom}) to
   * what FakeZfs says; the model's own flag without it.
   */
  private boolean roomToSetAside() {
    return zfs.map(
            z ->
                SetAsideRoom.forCopyOf(longProperty(z, "referenced"), longProperty(z, "available"))
                    .fits())
        .orElse(!full);
  }

  private static long longProperty(FakeZfs z, String property) {
    return z.getProperty(TANK, PropertyName.of(property)).map(Long::parseLong).orElseThrow();
  }

  /** Runs a command on FakeZfs, if the pool is backed by it. */
  private void onFakeZfs(Consumer<FakeZfs> command) {
    zfs.ifPresent(
        z -> {
          changedSinceCompared = true;
          command.accept(z);
        });
  }

  /** Where this pool and its FakeZfs disagree (live files or snapshots), if they do. */
  Optional<String> mismatch() {
    if (zfs.isEmpty() || !changedSinceCompared) {
      return Optional.empty();
    }
    changedSinceCompared = false;
    FakeZfs zfs = this.zfs.get();
    Set<String> files = zfs.files(TANK).keySet();
    if (files.size() != live.size()
        || !live.stream().allMatch(write -> files.contains("w" + write))) {
      return Optional.of(zfs.hostName() + " holds files " + files + ", the model " + live);
    }
    List<String> names =
        zfs.listSnapshots(TANK).snapshots().stream()
            .map(Snapshot::name)
            .map(SnapshotName::shortName)
            .toList();
    List<String> model = snapshots.stream().map(SimPool::name).toList();
    if (!names.equals(model)) {
      return Optional.of(zfs.hostName() + " holds snapshots " + names + ", the model " + model);
    }
    return Optional.empty();
  }

  private void add(Snap snap) {
    snapshots.add(snap);
    snapshotted.addAll(snap.content());
    guids.add(snap.guid());
  }

  Snap newest() {
    return snapshots.get(snapshots.size() - 1);
  }

  /**
   * The newest snapshot the schedule took (not a rescue snapshot): what a heartbeat reports as the
   * last applied one.
   */
  Snap newestOwn() {
    for (int i = snapshots.size() - 1; i > 0; i--) {
      if (!snapshots.get(i).foreign()) {
        return snapshots.get(i);
      }
    }
    return snapshots.get(0);
  }

  Snap snapshot(long guid) {
    Snap snap = new Snap(guid, List.copyOf(live), false);
    add(snap);
    onFakeZfs(z -> z.snapshot(TANK, name(snap), false));
    return snap;
  }

  /**
   * {@code zfs snapshot -r tank@zferry-rescue-...}: a name the planner takes for another tool's.
   */
  Snap rescueSnapshot(long guid) {
    Snap snap = new Snap(guid, List.copyOf(live), true);
    add(snap);
    onFakeZfs(z -> z.snapshot(TANK, name(snap), false));
    return snap;
  }

  /** Every write the pool holds: live, in a snapshot or in a set-aside copy. */
  private Set<Integer> everything() {
    Set<Integer> all = new HashSet<>(live);
    all.addAll(snapshotted);
    all.addAll(aside);
    return all;
  }

  /** Destroys the snapshots after {@code index} ({@code -F}, or {@code rollback -r}). */
  private void dropAfter(int index) {
    for (Snap later : List.copyOf(snapshots.subList(index + 1, snapshots.size()))) {
      snapshots.remove(later);
      guids.remove(later.guid());
    }
    snapshotted.clear();
    snapshots.forEach(snap -> snapshotted.addAll(snap.content()));
  }

  /** Whether this pool holds snapshots of its own after the newest one it shares with source. */
  boolean divergedFrom(SimPool source) {
    int common = -1;
    for (int i = 0; i < snapshots.size(); i++) {
      if (source.holds(snapshots.get(i).guid())) {
        common = i;
      }
    }
    return common < 0
        || snapshots.subList(common + 1, snapshots.size()).stream().anyMatch(s -> !s.foreign());
  }

  boolean holds(long guid) {
    return guids.contains(guid);
  }

  boolean contains(int write) {
    return live.contains(write) || snapshotted.contains(write) || aside.contains(write);
  }

  /**
   * The old side's half of mark-sync-as-fixed after its rescue snapshot (which made its live writes
   * part of the divergence), as {@code Puller} resolves a divergence: what came after the newest
   * snapshot shared with {@code source} is copied aside if the pool has room (otherwise the resync
   * stops, unless the operator chose {@code --discard-divergent}), the pool rolls back to the
   * common snapshot and pulls.
   */
  Resynced resync(SimPool source, boolean discardIfNoRoom) {
    Snap common = null;
    for (Snap mine : snapshots) {
      if (source.holds(mine.guid())) {
        common = mine;
      }
    }
    if (common == null) {
      return new Resynced(Optional.of("no common snapshot: not simulated"), List.of(), List.of());
    }
    Set<Integer> after = new LinkedHashSet<>();
    int at = snapshots.indexOf(common);
    for (Snap later : snapshots.subList(at + 1, snapshots.size())) {
      after.addAll(later.content());
    }
    after.addAll(live);
    after.removeAll(common.content());
    List<Integer> keptAside = List.of();
    List<Integer> discarded = List.of();
    if (at != snapshots.size() - 1 || !after.isEmpty()) {
      if (roomToSetAside()) {
        keptAside = List.copyOf(after);
        aside.addAll(after);
      } else if (!discardIfNoRoom) {
        return new Resynced(
            Optional.of(
                "no room to keep the divergent data aside; to roll back without keeping a copy,"
                    + " add --discard-divergent"),
            List.of(),
            List.of());
      } else {
        discarded = List.copyOf(after);
      }
      Snap base = common;
      onFakeZfs(z -> z.rollback(TANK.snapshot(name(base)), true));
      dropAfter(at);
      live.clear();
      live.addAll(common.content());
    }
    Received received = pullFrom(source);
    if (received.diverged() || !holds(source.newest().guid())) {
      return new Resynced(
          Optional.of("the pull after the rollback did not complete"), keptAside, discarded);
    }
    return new Resynced(Optional.empty(), keptAside, discarded);
  }

  /**
   * The incremental on FakeZfs; returns how many of {@code later} arrived. A pool without room for
   * all of them keeps those that fit, each snapshot whole or not at all (a real receive of an
   * {@code -I} stream commits snapshot by snapshot); any other failure is a defect of the
   * simulation.
   */
  private int receivedIntoFakeZfs(SimPool source, Snap base, List<Snap> later) {
    changedSinceCompared = true;
    FakeZfs target = zfs.orElseThrow();
    FakeTransfer.Result result =
        FakeTransfer.run(
            source.zfs.orElseThrow(),
            new SendSpec.Incremental(
                TANK.snapshot(name(base)),
                TANK.snapshot(name(later.get(later.size() - 1))),
                true,
                SendFlags.PLAIN),
            target,
            ReceiveSpec.into(TANK).forced());
    if (result.succeeded()) {
      return later.size();
    }
    if (!result.received().stderr().contains("out of space")) {
      throw new IllegalStateException("FakeZfs refused the incremental: " + result.received());
    }
    Set<String> held = new HashSet<>();
    target.listSnapshots(TANK).snapshots().forEach(snap -> held.add(snap.name().shortName()));
    int arrived = 0;
    while (arrived < later.size() && held.contains(name(later.get(arrived)))) {
      arrived++;
    }
    return arrived;
  }

  /** Discards what came after the newest snapshot; returns the writes discarded. */
  List<Integer> rollBackToNewest() {
    onFakeZfs(z -> z.rollback(TANK.snapshot(name(newest())), false));
    List<Integer> discarded = new ArrayList<>(live);
    discarded.removeAll(newest().content());
    live.clear();
    live.addAll(newest().content());
    return discarded;
  }

  /**
   * One incremental pull from {@code source}: from the newest common snapshot (by GUID), the
   * source's later snapshots arrive and the live content rolls back to the received state (-F).
   * Snapshots of its own after the common one make it diverged: nothing is received; foreign ones
   * without data of their own do not, and the receive destroys them (ForeignAfterCommon).
   */
  Received pullFrom(SimPool source) {
    Optional<Snap> common = Optional.empty();
    for (Snap mine : snapshots) {
      if (source.holds(mine.guid())) {
        common = Optional.of(mine);
      }
    }
    if (common.isEmpty()) {
      return new Received(List.of(), true, false);
    }
    int at = snapshots.indexOf(common.get());
    List<Snap> targetOnly = snapshots.subList(at + 1, snapshots.size());
    Set<Integer> atCommon = new HashSet<>(common.get().content());
    if (targetOnly.stream().anyMatch(s -> !s.foreign() || !atCommon.containsAll(s.content()))) {
      // A foreign snapshot holding data only this pool has counts as a divergence
      // (UniqueDataProbe).
      return new Received(List.of(), true, false);
    }
    List<Snap> later = new ArrayList<>();
    boolean after = false;
    for (Snap theirs : source.snapshots) {
      if (after) {
        later.add(theirs);
      }
      after |= theirs.guid() == common.get().guid();
    }
    if (later.isEmpty()) {
      return new Received(List.of(), false, false);
    }
    Snap base = common.get();
    if (zfs.isPresent()) {
      later = later.subList(0, receivedIntoFakeZfs(source, base, later));
    } else if (full) {
      later = List.of();
    }
    if (later.isEmpty()) {
      return new Received(List.of(), false, false);
    }
    Set<Integer> before = everything();
    dropAfter(at);
    later.forEach(this::add);
    live.clear();
    live.addAll(newest().content());
    List<Integer> discarded = new ArrayList<>(before);
    discarded.removeAll(everything());
    return new Received(discarded, false, true);
  }
}
