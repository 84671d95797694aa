package io.zferry.service.daemon;

import io.zferry.snapshot.zfs.Guid;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The active's {@link PassiveHold} for each passive: retention spares what every passive last
 * applied (the oldest of them, with everything after it) and each transfer's base, so an off-site
 * passive that pulls once an hour, or one that was off for a while, resumes incrementally.
 */
final class PassiveHolds {
  private final List<PassiveHold> holds;

  PassiveHolds(List<PassiveHold> holds) {
    this.holds = List.copyOf(holds);
  }

  /** Records what each passive's latest heartbeat reports as applied. */
  void noteReports() {
    holds.forEach(PassiveHold::noteReport);
  }

  /** What each passive still needs as its incremental base (or the locked common snapshot). */
  Set<Guid> spared() {
    Set<Guid> spared = new HashSet<>();
    for (PassiveHold hold : holds) {
      hold.spared().ifPresent(spared::add);
    }
    return Set.copyOf(spared);
  }

  /** The bases the passives' transfers under way or interrupted still need. */
  Set<Guid> receiving() {
    Set<Guid> receiving = new HashSet<>();
    for (PassiveHold hold : holds) {
      receiving.addAll(hold.receiving());
    }
    return Set.copyOf(receiving);
  }
}
