package io.zferry.service.simulation;

import io.zferry.service.operations.OperationException;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.service.pacemaker.PromotionScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A small model of Pacemaker and corosync running zferry's promotable clone on three nodes ({@code
 * promoted-max=1}, {@code stonith-enabled=true}, {@code no-quorum-policy=stop}), one transition per
 * step:
 *
 * <ul>
 *   <li>membership is the partition of up nodes that can reach each other, as corosync sees it once
 *       its token has timed out ({@link #TOKEN_STEPS}: a change lasting shorter goes unseen); only
 *       a partition with a majority of the three is quorate; every node outside it stops its
 *       instance (demoting it first), and nothing is promoted while no partition has quorum;
 *   <li>a node that leaves the quorate membership (crash, cut off) or whose stop failed is unclean:
 *       STONITH powers it off (it returns only by rebooting, with its instance stopped), and
 *       nothing is started or promoted while a fence is pending or failing;
 *   <li>instances are started on every member; with none promoted, the member with the highest
 *       promotion score ({@link PromotionScore}, from the node's record, lock and lag) is promoted,
 *       ties broken by the seed; a promoted instance stays where it is (stickiness) unless it fails
 *       or is moved;
 *   <li>planned moves ({@code pcs resource move --promoted}): demote the promoted node, promote
 *       another member that has a score;
 *   <li>the monitor (every 10 s) fails an instance that serves while not promoted or does not serve
 *       while promoted; a failed action or monitor is recovered by a stop, a failed stop by
 *       STONITH.
 * </ul>
 *
 * An action's reply may be lost (the operation timed out: Pacemaker takes it as failed whatever it
 * did), and a node may crash at any step of it. Not modelled: non-transitive link failures
 * (corosync forms no membership from them), a qdevice, migration thresholds and fail counts,
 * notifications, timing within a transition, and the VIP resource (a node serves when its pool is
 * writable).
 */
final class SimPacemaker {
  /** corosync's token (3 s) and consensus: how long a node is missing before it is lost. */
  static final int TOKEN_STEPS = 3;

  private final PacemakerSimulation sim;
  private final SplittableRandom random;

  /** The last quorate membership: a member that is missing from the next one is unclean. */
  private Set<String> members = new LinkedHashSet<>();

  private final Set<String> unclean = new LinkedHashSet<>();

  /** How many steps each node has been missing from the quorate partition. */
  private final Map<String, Integer> missingFor = new HashMap<>();

  /** The nodes of the quorate partition this step. */
  private List<SimNode> quorum = List.of();

  private int noQuorumFor;

  /** The boot each node was last seen running. */
  private final Map<String, Integer> seenBoot = new HashMap<>();

  private Optional<String> promoted = Optional.empty();
  private boolean quorate = true;
  private int fences;
  private int moves;
  private int quorumLosses;

  SimPacemaker(PacemakerSimulation sim, SplittableRandom random) {
    this.sim = sim;
    this.random = random;
    sim.nodes().forEach(n -> members.add(n.name));
  }

  int fences() {
    return fences;
  }

  int moves() {
    return moves;
  }

  int quorumLosses() {
    return quorumLosses;
  }

  Optional<String> promoted() {
    return promoted;
  }

  /** One transition: quorum, STONITH, starts, monitor, then a promotion or a planned move. */
  void step(int step, boolean faults) {
    for (SimNode node : sim.nodes()) {
      if (seenBoot.getOrDefault(node.name, node.bootStep) != node.bootStep) {
        // It rebooted within the token: corosync saw it leave and join again, and the probe
        // finds its instance stopped, whatever it ran before.
        promoted = promoted.filter(p -> !p.equals(node.name));
      }
      seenBoot.put(node.name, node.bootStep);
    }
    quorum = sim.quoratePartition();
    for (SimNode node : sim.nodes()) {
      int missing = quorum.contains(node) ? 0 : missingFor.getOrDefault(node.name, 0) + 1;
      missingFor.put(node.name, missing);
      if (node.up && missing >= TOKEN_STEPS && intent(node) != PacemakerIntent.STOPPED) {
        // no-quorum-policy=stop; a stop that fails leaves it to the quorate side's STONITH.
        act(node, "stop (no quorum)", () -> sim.side(node).stop(), faults);
      }
    }
    noQuorumFor = quorum.isEmpty() ? noQuorumFor + 1 : 0;
    if (quorum.isEmpty()) {
      if (quorate && noQuorumFor >= TOKEN_STEPS) {
        quorate = false;
        quorumLosses++;
        sim.note("pacemaker: no partition has quorum; nothing is promoted");
        promoted = Optional.empty();
      }
      return;
    }
    if (!quorate) {
      quorate = true;
      sim.note("pacemaker: quorum regained by " + names(quorum));
    }
    for (String member : List.copyOf(members)) {
      if (missingFor.get(member) >= TOKEN_STEPS) {
        unclean.add(member);
        members.remove(member);
      }
    }
    members.addAll(names(quorum));
    for (String name : List.copyOf(unclean)) {
      if (sim.fenceFails()) {
        sim.note("pacemaker: STONITH of " + name + " fails");
        continue;
      }
      fences++;
      sim.stonith(sim.node(name));
      unclean.remove(name);
      members.remove(name);
      promoted = promoted.filter(p -> !p.equals(name));
    }
    if (!unclean.isEmpty()) {
      return;
    }
    for (SimNode node : members()) {
      if (intent(node) == PacemakerIntent.STOPPED) {
        act(node, "start", () -> sim.side(node).start(), faults);
      }
    }
    if (step % 10 == 0) {
      monitor(faults);
    }
    if (!unclean.isEmpty()) {
      return;
    }
    if (promoted.isEmpty()) {
      promoteBest(faults);
    } else if (faults && random.nextDouble() < 0.03) {
      move(faults);
    }
  }

  private void monitor(boolean faults) {
    for (SimNode node : members()) {
      boolean serving = node.mode == SimNode.Mode.ACTIVE;
      boolean failed =
          switch (intent(node)) {
            case STOPPED, STARTED -> serving || promoted.filter(node.name::equals).isPresent();
            case PROMOTED -> !serving;
          };
      if (failed) {
        sim.note(
            "pacemaker: monitor of "
                + node.name
                + " failed ("
                + intent(node).word()
                + ", "
                + node.control.decision().describe()
                + ")");
        promoted = promoted.filter(p -> !p.equals(node.name));
        recover(node, faults);
      }
    }
  }

  private void promoteBest(boolean faults) {
    List<SimNode> best = new ArrayList<>();
    int top = 0;
    for (SimNode node : members()) {
      OptionalInt score = score(node);
      if (score.isEmpty() || score.getAsInt() < top) {
        continue;
      }
      if (score.getAsInt() > top) {
        best.clear();
        top = score.getAsInt();
      }
      best.add(node);
    }
    if (best.isEmpty()) {
      return;
    }
    SimNode chosen = best.get(random.nextInt(best.size()));
    if (act(chosen, "promote (score " + top + ")", () -> sim.side(chosen).promote(), faults)) {
      promoted = Optional.of(chosen.name);
    } else {
      recover(chosen, faults);
    }
  }

  /** A random planned move to another member that has a score. */
  private void move(boolean faults) {
    SimNode from = sim.node(promoted.orElseThrow());
    List<SimNode> targets =
        members().stream().filter(n -> n != from && score(n).isPresent()).toList();
    if (!targets.isEmpty()) {
      move(targets.get(random.nextInt(targets.size())), faults);
    }
  }

  /** {@code pcs resource move --promoted}: demote the promoted node, then promote {@code to}. */
  void move(SimNode to, boolean faults) {
    SimNode from = sim.node(promoted.orElseThrow());
    moves++;
    sim.note("pacemaker: planned move from " + from.name + " to " + to.name);
    promoted = Optional.empty();
    if (!act(from, "demote", () -> sim.side(from).handover.demote(), faults)) {
      recover(from, faults);
      return;
    }
    if (act(to, "promote", () -> sim.side(to).promote(), faults)) {
      promoted = Optional.of(to.name);
    } else {
      recover(to, faults);
    }
  }

  /** A failed action or monitor: stop the instance; a failed stop makes the node unclean. */
  private void recover(SimNode node, boolean faults) {
    if (node.up && !act(node, "stop (recovery)", () -> sim.side(node).stop(), faults)) {
      sim.note("pacemaker: " + node.name + " is unclean: its stop failed");
      unclean.add(node.name);
    }
  }

  /**
   * Runs one resource action on an up node; whether Pacemaker saw it succeed. Its reply may be lost
   * (a time-out: failed, whatever it did), and a node may crash in the middle of it.
   */
  private boolean act(SimNode node, String what, Supplier<String> action, boolean faults) {
    if (!node.up) {
      return false;
    }
    sim.armCrash(faults);
    try {
      String result = action.get();
      if (faults && random.nextDouble() < sim.lostReplyRate()) {
        sim.note("pacemaker: " + what + " on " + node.name + " timed out (it did: " + result + ")");
        return false;
      }
      sim.note("pacemaker: " + what + " on " + node.name + ": " + result);
      return true;
    } catch (OperationException e) {
      sim.note("pacemaker: " + what + " on " + node.name + " failed: " + e.getMessage());
      return false;
    } catch (PacemakerSide.Crashed e) {
      sim.note("pacemaker: " + what + " on " + node.name + ": " + e.getMessage() + " during it");
      return false;
    } finally {
      sim.disarmCrash();
    }
  }

  /** The score the node's monitor last set, as {@code PacemakerInstance.monitorReport} sets it. */
  private OptionalInt score(SimNode node) {
    return PromotionScore.of(
        intent(node),
        node.record().isActive(node.name),
        node.heardSinceStart(),
        node.record().isLocked(),
        Optional.of(sim.lag(node)));
  }

  private List<SimNode> members() {
    return members.stream()
        .map(sim::node)
        .filter(quorum::contains)
        .sorted(Comparator.comparing(n -> n.name))
        .toList();
  }

  private static PacemakerIntent intent(SimNode node) {
    return node.intent.orElseThrow();
  }

  private static List<String> names(List<SimNode> nodes) {
    return nodes.stream().map(n -> n.name).toList();
  }
}
