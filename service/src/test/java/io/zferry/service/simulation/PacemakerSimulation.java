package io.zferry.service.simulation;

import io.zferry.fakes.FakeZfs;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.Decision;
import io.zferry.service.operations.OperationException;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One seeded schedule of three nodes under {@code cluster.manager: pacemaker}: each runs the
 * daemon's control step with Pacemaker's intent, weighing the peer {@code FollowedPeer} chooses of
 * the two others; a simulated Pacemaker ({@link SimPacemaker}) fences, starts, stops, promotes and
 * moves through the real {@code PacemakerPromotion} and {@code PacemakerHandover}; passives pull
 * from the owner of their record; the operator runs mark-sync-as-fixed naming the two nodes of a
 * takeover. Faults: partitions (one node cut off, or all three apart), dropped, late and lost
 * messages, crashes and restarts (also in the middle of an action), failing STONITH, full,
 * suspended and hung pools, failing start hooks, stepped wall clocks. After every phase of a step
 * it checks I1-I4; at the end it heals everything and checks I5 on every unlocked passive.
 */
final class PacemakerSimulation implements SimCluster, Schedule {
  private static final Duration STEP = Duration.ofSeconds(1);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final long seed;
  private final Optional<Map<Integer, Consumer<PacemakerSimulation>>> script;
  private final SplittableRandom random;
  private final SplittableRandom operatorRandom;
  private final List<SimNode> nodes = new ArrayList<>();
  private final Map<String, SimNode> byName = new LinkedHashMap<>();
  private final Map<SimNode, PacemakerSide> sides = new HashMap<>();
  private final Map<SimNode, Deque<SimNode.Claim>> sent = new HashMap<>();
  private final Map<Long, Instant> created = new HashMap<>();
  private final ClusterInvariants invariants;
  private final SimOperator operator = new SimOperator(this);
  private final SimPacemaker pacemaker;
  private final List<Simulation.Violation> violations = new ArrayList<>();
  private final Deque<String> trace = new ArrayDeque<>();
  private final List<String> operatorLog = new ArrayList<>();

  /** The partition and the faults of the network, the pools and the fence device. */
  private final PacemakerFaults network;

  private int step;
  private int nextWrite = 1;
  private long nextGuid = 2;
  private boolean faults = true;
  private int crashIn;
  private int takeovers;
  private Optional<List<SimNode>> lastTakeover = Optional.empty();

  PacemakerSimulation(long seed) {
    this(seed, Optional.empty());
  }

  /** A scripted schedule: at each step the script names, it does what the script says. */
  static PacemakerSimulation scripted(
      long seed, Map<Integer, Consumer<PacemakerSimulation>> script) {
    return new PacemakerSimulation(seed, Optional.of(Map.copyOf(script)));
  }

  private PacemakerSimulation(
      long seed, Optional<Map<Integer, Consumer<PacemakerSimulation>>> script) {
    this.seed = seed;
    this.script = script;
    SplittableRandom root = new SplittableRandom(seed);
    this.random = root.split();
    SplittableRandom faultRandom = root.split();
    this.operatorRandom = root.split();
    SplittableRandom pacemakerRandom = root.split();
    List<String> names = List.of("node-a", "node-b", "node-c");
    SimPool first = null;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      MutableClock clock = new MutableClock(START);
      Optional<FakeZfs> zfs = Optional.of(FakeZfs.openZfs(name, clock, seed + i));
      SimPool pool =
          first == null
              ? SimPool.first(zfs, new SimPool.Snap(1, List.of(), false))
              : SimPool.replicaOf(first, zfs);
      first = first == null ? pool : first;
      List<String> peers = names.stream().filter(n -> !n.equals(name)).toList();
      // Under Pacemaker, STONITH fences: zferry's own fencing policy is never used.
      SimNode node =
          new SimNode(name, this, peers, clock, pool, new FencingPolicy.Ignore(), Optional.empty());
      node.intent = Optional.of(PacemakerIntent.STOPPED);
      nodes.add(node);
      byName.put(name, node);
      sent.put(node, new ArrayDeque<>());
    }
    created.put(1L, START);
    this.invariants = new ClusterInvariants(nodes);
    this.network = new PacemakerFaults(faultRandom, nodes, this);
    this.pacemaker = new SimPacemaker(this, pacemakerRandom);
    nodes.forEach(this::boot);
  }

  @Override
  public String setupName() {
    return "pacemaker, three nodes";
  }

  long seed() {
    return seed;
  }

  List<SimNode> nodes() {
    return nodes;
  }

  @Override
  public SimNode node(String name) {
    return byName.get(name);
  }

  PacemakerSide side(SimNode node) {
    return sides.get(node);
  }

  SimPacemaker pacemaker() {
    return pacemaker;
  }

  /** Promotions that took over from an owner that did not answer (the sync locked). */
  int takeovers() {
    return takeovers;
  }

  @Override
  public List<String> trace() {
    return List.copyOf(trace);
  }

  @Override
  public List<String> operatorLog() {
    return List.copyOf(operatorLog);
  }

  @Override
  public List<Simulation.Violation> run() {
    steps(Simulation.FAULT_STEPS + Simulation.HEAL_STEPS);
    if (violations.isEmpty()) {
      checkLiveness();
    }
    return List.copyOf(violations);
  }

  /**
   * Runs the steps before {@code until} (from where it stopped), checked; returns the violations so
   * far. A scripted schedule runs only its script: no random faults, no random moves or operator.
   */
  List<Simulation.Violation> steps(int until) {
    for (; step < until && violations.isEmpty(); step++) {
      if (step == Simulation.FAULT_STEPS) {
        heal();
      }
      if (faults && script.isPresent()) {
        script.get().getOrDefault(step, s -> {}).accept(this);
      } else if (faults) {
        network.inject();
      } else {
        // Healed: a node STONITH powered off boots again.
        nodes.stream().filter(n -> !n.up).forEach(this::boot);
      }
      cycle(faults && script.isEmpty());
      if (faults && script.isEmpty() && violations.isEmpty()) {
        operatorActions();
        check();
      }
    }
    return List.copyOf(violations);
  }

  // ----- what a script does -----

  void crash(String name) {
    node(name).crash();
    note(name + " crashes");
  }

  void restart(String name) {
    boot(node(name));
    note(name + " restarts");
  }

  /** Every node on its own: no partition has quorum. */
  void apart() {
    network.apart();
    note("partition: all three nodes apart");
  }

  void healNetwork() {
    network.healPartition();
    note("partition healed");
  }

  /** {@code pcs resource move zferry-tank-clone TO --promoted}. */
  void move(String to) {
    pacemaker.move(node(to), false);
  }

  /** Heartbeats, Pacemaker's transition, every node's control step, clients, pulls; checked. */
  private void cycle(boolean withFaults) {
    nodes.forEach(n -> n.clock.advance(STEP));
    heartbeats();
    pacemaker.step(step, withFaults);
    check();
    for (SimNode node : nodes) {
      if (node.up) {
        node.choosePeer();
        Decision d = node.control.tick();
        note(node.name + " (follows " + node.followed + "): " + d.describe());
      }
    }
    check();
    clientsWriteAndSnapshot();
    pulls();
    check();
  }

  private void check() {
    if (violations.isEmpty()) {
      invariants.check(step).ifPresent(violations::add);
    }
  }

  /** Network healed, pools working, no more faults: what I5 starts from. */
  private void heal() {
    faults = false;
    network.heal(nodes);
    note("healed");
  }

  /** A promotion took over from an owner that did not answer: the two nodes of the lock. */
  void tookOver(String newOwner, String from) {
    takeovers++;
    lastTakeover = Optional.of(List.of(node(newOwner), node(from)));
  }

  /**
   * mark-sync-as-fixed at random steps while something is locked, naming the two nodes of the last
   * takeover (Pacemaker's log says whom it fenced and promoted), on either of them: whether they
   * are up, agree, or have adopted the lock yet.
   */
  private void operatorActions() {
    double action = operatorRandom.nextDouble();
    boolean onNewOwner = operatorRandom.nextBoolean();
    boolean discard = operatorRandom.nextBoolean();
    if (action >= 0.04
        || lastTakeover.isEmpty()
        || nodes.stream().noneMatch(n -> n.record().isLocked())) {
      return;
    }
    SimNode newOwner = lastTakeover.get().get(0);
    SimNode from = lastTakeover.get().get(1);
    SimNode owner = node(newOwner.record().activeNode());
    if (owner != newOwner && owner != from) {
      // A planned move since: as the refusal says, the owner and a locked node of the takeover.
      SimNode locked = onNewOwner ? newOwner : from;
      operator.markSyncAsFixed(owner, locked, discard);
      return;
    }
    operator.markSyncAsFixed(onNewOwner ? newOwner : from, onNewOwner ? from : newOwner, discard);
  }

  // ----- the network and the pools -----

  /** The up nodes that can reach a majority of the three, if any partition has one. */
  List<SimNode> quoratePartition() {
    for (SimNode node : nodes) {
      List<SimNode> together =
          nodes.stream().filter(n -> n.up && node.up && connected(n, node)).toList();
      if (together.size() * 2 > nodes.size()) {
        return together;
      }
    }
    return List.of();
  }

  private boolean connected(SimNode one, SimNode other) {
    return network.connected(nodes.indexOf(one), nodes.indexOf(other));
  }

  @Override
  public boolean delivered(SimNode from, SimNode to) {
    return from.up && to.up && connected(from, to) && random.nextDouble() >= network.dropRate();
  }

  /** Each heartbeat carries the sender's record; some arrive late (an older one) or twice. */
  private void heartbeats() {
    for (SimNode from : nodes) {
      Deque<SimNode.Claim> claims = sent.get(from);
      if (from.up) {
        claims.addLast(from.claim(step));
        if (claims.size() > 3) {
          claims.removeFirst();
        }
      }
      for (SimNode to : nodes) {
        if (to != from && !claims.isEmpty() && delivered(from, to)) {
          boolean late = faults && script.isEmpty() && random.nextDouble() < 0.1;
          to.heard(from.name, late ? claims.peekFirst() : claims.peekLast());
        }
      }
    }
  }

  /** Every other node answers this one now ({@code PeerRoute.beatAll}), if it can. */
  void beatTo(SimNode node) {
    for (SimNode other : nodes) {
      if (other != node && delivered(other, node)) {
        node.heard(other.name, other.claim(step));
      }
    }
  }

  private void clientsWriteAndSnapshot() {
    for (SimNode node : nodes) {
      if (node.acceptsWrites()) {
        int write = nextWrite++;
        if (node.pool.write(write)) {
          invariants.acknowledged(write);
        }
      }
      if (node.up
          && node.mode == SimNode.Mode.ACTIVE
          && node.poolWorks()
          && random.nextDouble() < 0.3) {
        snapshot(node);
      }
    }
  }

  /** A passive pulls from the owner of its record; a cancelled cycle from whom it pulled from. */
  private void pulls() {
    for (SimNode node : nodes) {
      if (node.up && node.staleCycle) {
        node.staleCycle = false;
        node.pool.readOnly = true;
        pullNow(node, node(node.staleFrom));
        note(node.name + ": a cancelled pull cycle from " + node.staleFrom + " ended");
        continue;
      }
      String owner = node.record().activeNode();
      if (node.up && node.pulling && !node.record().isLocked() && !owner.equals(node.name)) {
        pullNow(node, node(owner));
      }
    }
  }

  /** One incremental pull now, if the source answers; empty if none ran or it diverged. */
  Optional<SimPool.Received> pullNow(SimNode node, SimNode source) {
    if (!delivered(source, node) || !node.poolWorks() || !source.poolWorks()) {
      return Optional.empty();
    }
    SimPool.Received received = node.pool.pullFrom(source.pool);
    discarded(node, received.discarded(), "receive -F from " + source.name);
    if (received.diverged()
        && source.name.equals(node.record().activeNode())
        && !node.record().isLocked()) {
      // As PullLoop does of more than two nodes: a copy diverged from the owner's locks.
      node.store.lockSync(
          SimNode.SERVICE,
          node.record().epoch(),
          io.zferry.lockstate.SyncLock.of(
              node.name + " holds snapshots " + source.name + " lacks",
              node.clock.instant(),
              "zferry"));
      note(node.name + ": diverged from " + source.name + ", locked");
    }
    return received.diverged() ? Optional.empty() : Optional.of(received);
  }

  SimPool.Snap snapshot(SimNode node) {
    long guid = nextGuid++;
    created.put(guid, node.clock.instant());
    return node.pool.snapshot(guid);
  }

  /** How old the newest snapshot the node holds is, by its own wall clock. */
  Duration lag(SimNode node) {
    return Duration.between(created.get(node.pool.newestOwn().guid()), node.clock.instant());
  }

  // ----- what Pacemaker and the nodes' actions ask -----

  void boot(SimNode node) {
    node.boot(step);
    sides.put(node, new PacemakerSide(node, this));
  }

  void stonith(SimNode node) {
    if (node.up) {
      node.crash();
    }
    note("pacemaker: STONITH powers " + node.name + " off");
  }

  boolean fenceFails() {
    return network.fenceFails();
  }

  double lostReplyRate() {
    return network.lostReplyRate();
  }

  /** With faults, one action in ten crashes a node at one of its next few steps. */
  void armCrash(boolean withFaults) {
    double draw = random.nextDouble();
    int at = random.nextInt(1, 8);
    crashIn = withFaults && draw < 0.1 ? at : 0;
  }

  void disarmCrash() {
    crashIn = 0;
  }

  /** A step of an action on {@code node}: it crashes here if this is the armed step. */
  void crashPoint(SimNode node) {
    if (crashIn > 0 && --crashIn == 0) {
      node.crash();
      note(node.name + " crashes in the middle of an action");
      throw new PacemakerSide.Crashed(node.name);
    }
  }

  /** A call to another node's instance over the network; a crash there is no answer. */
  <T> T remote(SimNode from, SimNode to, String what, Function<PacemakerSide, T> call) {
    return overNetwork(
        from,
        to,
        what,
        () -> {
          try {
            crashPoint(to);
            return call.apply(sides.get(to));
          } catch (PacemakerSide.Crashed e) {
            throw new OperationException(
                OperationException.Kind.UNANSWERED, to.name + " crashed before it answered");
          }
        });
  }

  // ----- SimCluster -----

  @Override
  public void note(String line) {
    trace.addLast(step + " " + line);
    if (trace.size() > Integer.getInteger("sim.trace", 60)) {
      trace.removeFirst();
    }
  }

  @Override
  public void noteOperator(String line) {
    operatorLog.add(step + " " + line);
    note(line);
  }

  @Override
  public <T> T overNetwork(SimNode from, SimNode to, String what, Supplier<T> action) {
    if (!delivered(from, to)) {
      note(what + " from " + from.name + " to " + to.name + ": request lost");
      throw new OperationException(OperationException.Kind.UNANSWERED, "request lost");
    }
    T result = action.get();
    if (!delivered(to, from) || random.nextDouble() < network.lostReplyRate()) {
      note(what + " from " + from.name + " to " + to.name + ": reply lost");
      throw new OperationException(OperationException.Kind.UNANSWERED, "reply lost");
    }
    return result;
  }

  @Override
  public long newGuid() {
    return nextGuid++;
  }

  @Override
  public void discarded(SimNode node, List<Integer> writes, String how) {
    invariants
        .lostEverywhere(writes)
        .ifPresent(
            write ->
                violations.add(
                    new Simulation.Violation(
                        "I3", step, node.name + " destroyed write " + write + " by " + how)));
  }

  @Override
  public void resolvedByOperator(List<Integer> writes) {
    invariants.resolvedByOperator(writes);
  }

  @Override
  public void operatorUnlocks(SimNode node) {
    invariants.operatorUnlocks(node);
  }

  @Override
  public Optional<String> fence(SimNode by) {
    // Under Pacemaker a TakeOver is a Hold: zferry never fences on its own.
    violations.add(
        new Simulation.Violation("Pacemaker", step, by.name + " ran zferry's fence command"));
    return Optional.of("not under Pacemaker");
  }

  @Override
  public boolean pullCycleStuck(SimNode node) {
    return network.pullsStick();
  }

  @Override
  public boolean hasWitness() {
    return false;
  }

  // ----- I5 -----

  /** I5: healed and up, one node serves and every passive not locked receives its snapshots. */
  private void checkLiveness() {
    List<SimNode> serving = invariants.serving();
    if (serving.size() != 1) {
      StringBuilder decisions = new StringBuilder();
      nodes.forEach(
          n ->
              decisions
                  .append("; ")
                  .append(n.name)
                  .append(": ")
                  .append(n.control.decision().describe()));
      violations.add(
          new Simulation.Violation(
              "I5",
              step,
              serving.size()
                  + " nodes serve after "
                  + Simulation.HEAL_STEPS
                  + " healed steps"
                  + decisions));
      return;
    }
    SimNode active = serving.get(0);
    long guid = snapshot(active).guid();
    for (int i = 0; i < 10 && violations.isEmpty(); i++, step++) {
      cycle(false);
    }
    for (SimNode node : nodes) {
      if (node != active && !node.record().isLocked() && !node.pool.holds(guid)) {
        violations.add(
            new Simulation.Violation(
                "I5",
                step,
                node.name
                    + " did not receive "
                    + active.name
                    + "'s snapshot within 10 cycles ("
                    + node.control.decision().describe()
                    + (node.pool.divergedFrom(active.pool)
                        ? "; its copy diverged: it holds snapshots " + active.name + " lacks"
                        : "")
                    + ")"));
        return;
      }
    }
  }
}
