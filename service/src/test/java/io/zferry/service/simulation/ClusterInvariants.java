package io.zferry.service.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The safety invariants I1-I4 over any number of nodes, and what they need to know of a run: the
 * writes clients saw acknowledged, the writes the operator's mark-sync-as-fixed kept aside or chose
 * to discard, and the unlocks it asked each node for.
 */
final class ClusterInvariants {
  private final List<SimNode> nodes;
  private final List<Integer> acked = new ArrayList<>();
  private final Set<Integer> resolvedByOperator = new HashSet<>();
  private final Map<String, Integer> operatorUnlocks = new HashMap<>();

  ClusterInvariants(List<SimNode> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  void acknowledged(int write) {
    acked.add(write);
  }

  void resolvedByOperator(List<Integer> writes) {
    resolvedByOperator.addAll(writes);
  }

  void operatorUnlocks(SimNode node) {
    operatorUnlocks.merge(node.name, 1, Integer::sum);
  }

  boolean anyLocked() {
    return nodes.stream().anyMatch(n -> n.record().isLocked());
  }

  /**
   * Whether a node still names itself the owner at an older epoch than the active's: a former owner
   * taken over from (of a chain of takeovers, the lock the operator cleared may bind two later
   * nodes) that has not heard the newer record yet. It locks as it adopts it ({@code
   * ServiceControl.adopt}), so what it alone holds is as safe as under a lock: I3 and I4 say so.
   */
  private boolean aFormerOwnerHasNotAdopted(SimNode active) {
    long epoch = active.record().epoch();
    return nodes.stream().anyMatch(n -> n.record().isActive(n.name) && n.record().epoch() < epoch);
  }

  List<SimNode> serving() {
    return nodes.stream().filter(SimNode::acceptsWrites).toList();
  }

  /** I3: the first write of {@code writes} that exists on no pool any more, if one does. */
  Optional<Integer> lostEverywhere(List<Integer> writes) {
    return writes.stream()
        .filter(w -> nodes.stream().noneMatch(n -> n.pool.contains(w)))
        .findFirst();
  }

  /** I1, I2 and I4 now, and the pools against FakeZfs; the first broken one, described. */
  Optional<Simulation.Violation> check(int step) {
    for (SimNode node : nodes) {
      Optional<String> mismatch = node.pool.mismatch();
      if (mismatch.isPresent()) {
        return Optional.of(new Simulation.Violation("FakeZfs", step, mismatch.get()));
      }
    }
    // I1: never two unfenced nodes accepting writes (a fenced node is powered off: not up).
    List<SimNode> serving = serving();
    if (serving.size() > 1) {
      return Optional.of(
          new Simulation.Violation(
              "I1", step, serving.stream().map(n -> n.name).toList() + " all accept writes"));
    }
    // I2: every acknowledged write is on the node accepting writes, unless the service is locked
    // (then it must still exist where the divergence report finds it) or the operator's
    // mark-sync-as-fixed kept it aside or, with --discard-divergent, chose to discard it.
    SimNode active = serving.isEmpty() ? null : serving.get(0);
    boolean locked = anyLocked() || (active != null && aFormerOwnerHasNotAdopted(active));
    for (int write : acked) {
      if (resolvedByOperator.contains(write)) {
        continue;
      }
      boolean somewhere = nodes.stream().anyMatch(n -> n.pool.contains(write));
      boolean onActive = active == null || active.pool.live.contains(write);
      if (!somewhere || (!onActive && !locked)) {
        return Optional.of(
            new Simulation.Violation(
                "I2",
                step,
                "acknowledged write "
                    + write
                    + (somewhere ? " is missing on the active " + active.name : " is gone")
                    + (locked ? "" : " and the service is not locked")));
      }
    }
    // I4: a lock is cleared only by mark-sync-as-fixed: no more unlocks than it asked a node for,
    // each by unlockSync.
    for (SimNode node : nodes) {
      var unlocks = node.store.unlockHistory();
      if (unlocks.size() > operatorUnlocks.getOrDefault(node.name, 0)
          || unlocks.stream()
              .anyMatch(u -> !u.how().startsWith("unlockSync: mark-sync-as-fixed"))) {
        return Optional.of(
            new Simulation.Violation("I4", step, node.name + " cleared its lock: " + unlocks));
      }
    }
    return Optional.empty();
  }
}
