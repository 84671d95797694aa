package io.zferry.service.simulation;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of a Pacemaker schedule, drawn from a stream of their own: the partition of the three
 * nodes (one cut off, or all three apart: corosync forms no membership from a link that is down one
 * way only, so partitions are groups), dropped messages and lost replies, a failing fence device,
 * stuck pull cycles, and each node's crashes and restarts, stepped wall clock, full, suspended or
 * hung pool and failing start hooks.
 */
final class PacemakerFaults {
  private final SplittableRandom random;
  private final List<SimNode> nodes;
  private final PacemakerSimulation sim;

  /** Each node's side of the partition: nodes reach each other when their groups are equal. */
  private final int[] group = new int[3];

  private double dropRate;
  private double lostReplyRate;
  private boolean fenceFails;
  private boolean pullsStick;

  PacemakerFaults(SplittableRandom random, List<SimNode> nodes, PacemakerSimulation sim) {
    this.random = random;
    this.nodes = nodes;
    this.sim = sim;
  }

  boolean connected(int one, int other) {
    return group[one] == group[other];
  }

  double dropRate() {
    return dropRate;
  }

  double lostReplyRate() {
    return lostReplyRate;
  }

  boolean fenceFails() {
    return fenceFails;
  }

  boolean pullsStick() {
    return pullsStick;
  }

  /** Every node on its own. */
  void apart() {
    for (int i = 0; i < group.length; i++) {
      group[i] = i;
    }
  }

  void healPartition() {
    Arrays.fill(group, 0);
  }

  /** Draws the same numbers at every step whatever the nodes do, so a seed's faults never vary. */
  void inject() {
    SplittableRandom r = random;
    double partition = r.nextDouble();
    double apart = r.nextDouble();
    int alone = r.nextInt(3);
    if (partition < 0.04) {
      boolean whole = group[0] == group[1] && group[1] == group[2];
      for (int i = 0; i < 3; i++) {
        group[i] = !whole ? 0 : apart < 0.25 ? i : i == alone ? 1 : 0;
      }
      sim.note(
          !whole
              ? "partition healed"
              : apart < 0.25
                  ? "partition: all three nodes apart"
                  : "partition: " + nodes.get(alone).name + " cut off");
    }
    if (r.nextDouble() < 0.05) {
      dropRate = r.nextDouble() < 0.5 ? 0 : r.nextDouble() * 0.5;
      lostReplyRate = r.nextDouble() < 0.5 ? 0 : r.nextDouble() * 0.5;
    }
    if (r.nextDouble() < 0.03) {
      fenceFails = !fenceFails;
    }
    pullsStick = r.nextDouble() < 0.1;
    for (SimNode node : nodes) {
      double crash = r.nextDouble();
      double wallStep = r.nextDouble();
      int stepMinutes = r.nextInt(-120, 121);
      double fill = r.nextDouble();
      double hooks = r.nextDouble();
      double poolFault = r.nextDouble();
      boolean suspended = r.nextBoolean();
      if (node.up && crash < 0.01) {
        sim.crash(node.name);
      } else if (!node.up && crash < 0.1) {
        sim.restart(node.name);
      }
      if (wallStep < 0.01) {
        node.clock.stepWall(Duration.ofMinutes(stepMinutes));
      }
      if (fill < 0.02) {
        node.pool.full(!node.pool.full());
      }
      if (hooks < 0.02) {
        node.startHooksFail = !node.startHooksFail;
      }
      if (node.up && poolFault < 0.01) {
        SimNode.PoolFault fault =
            !node.poolWorks()
                ? SimNode.PoolFault.NONE
                : suspended ? SimNode.PoolFault.SUSPENDED : SimNode.PoolFault.HUNG;
        node.poolFault(fault);
        sim.note(node.name + "'s pool: " + fault);
      }
    }
  }

  /** No more faults, every pool working: what I5 starts from. */
  void heal(List<SimNode> nodes) {
    healPartition();
    dropRate = 0;
    lostReplyRate = 0;
    fenceFails = false;
    pullsStick = false;
    for (SimNode node : nodes) {
      node.pool.full(false);
      node.startHooksFail = false;
      node.poolFault(SimNode.PoolFault.NONE);
    }
  }
}
