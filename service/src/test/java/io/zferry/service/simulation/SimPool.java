package io.zferry.service.simulation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A node's pool in the simulation: its live content (the writes it holds, in order) and its
 * snapshots, each an immutable copy with a GUID shared by every copy of it. It survives a crash.
 * Receiving rolls back as {@code zfs recv -F} does, and reports what it discarded so the checks can
 * tell whether that data existed anywhere else.
 */
final class SimPool {
  record Snap(long guid, List<Integer> content) {}

  /** What a pull did: the writes it discarded, and whether the copies diverged. */
  record Received(List<Integer> discarded, boolean diverged, boolean changed) {}

  final Set<Integer> live = new LinkedHashSet<>();
  final List<Snap> snapshots = new ArrayList<>();
  private final Set<Integer> snapshotted = new HashSet<>();
  private final Set<Long> guids = new HashSet<>();
  boolean readOnly = true;
  boolean full;

  SimPool(Snap initial) {
    add(initial);
    live.addAll(initial.content());
  }

  private void add(Snap snap) {
    snapshots.add(snap);
    snapshotted.addAll(snap.content());
    guids.add(snap.guid());
  }

  Snap newest() {
    return snapshots.get(snapshots.size() - 1);
  }

  Snap snapshot(long guid) {
    Snap snap = new Snap(guid, List.copyOf(live));
    add(snap);
    return snap;
  }

  boolean holds(long guid) {
    return guids.contains(guid);
  }

  boolean contains(int write) {
    return live.contains(write) || snapshotted.contains(write);
  }

  /** Discards what came after the newest snapshot; returns the writes discarded. */
  List<Integer> rollBackToNewest() {
    List<Integer> discarded = new ArrayList<>(live);
    discarded.removeAll(newest().content());
    live.clear();
    live.addAll(newest().content());
    return discarded;
  }

  /**
   * One incremental pull from {@code source}: from the newest common snapshot (by GUID), the
   * source's later snapshots arrive and the live content rolls back to the received state (-F).
   * Snapshots of its own after the common one make it diverged: nothing is received.
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
    if (at != snapshots.size() - 1) {
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
    if (full) {
      return new Received(List.of(), false, false);
    }
    later.forEach(this::add);
    List<Integer> discarded = new ArrayList<>(live);
    discarded.removeAll(newest().content());
    live.clear();
    live.addAll(newest().content());
    return new Received(discarded, false, true);
  }
}
