package io.zferry.service.simulation;

import io.zferry.fakes.FakeZfs;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.control.Witness;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.PeerView;
import io.zferry.service.operations.ActionReport;
import io.zferry.service.operations.CatchUp;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.OperationException;
import io.zferry.service.operations.PeerCommands;
import io.zferry.service.operations.Promotion;
import io.zferry.service.operations.ResyncResult;
import io.zferry.service.operations.Switchover;
import io.zferry.service.simulation.SimNode.Claim;
import io.zferry.service.testing.FakeWitness;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.Puller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One seeded schedule of two nodes running the daemon's control step ({@code ServiceControl}) and
 * switchover ({@code Switchover}, {@code CatchUp}), and an operator who runs mark-sync-as-fixed and
 * failover --force at random steps ({@link SimOperator}), over in-memory stores and pools, a
 * network that drops, delays, duplicates and partitions messages and loses replies, crashes and
 * restarts, failing fence commands, full pools, suspended pools and hung ZFS, failing start hooks
 * and stepped wall clocks. With a witness in the setup, it is a third etcd member on the network
 * ({@link FakeWitness}: etcd's leader lease on simulated time): its host crashes and restarts, is
 * cut off from either node or both, and loses replies; a node reaches the lease only through a
 * quorum of members. A partition of the peer link leaves clients reaching both nodes (symmetric).
 * After every step it checks the invariants I1-I4; at the end it heals everything and checks I5.
 * Everything random comes from the one seed, the faults and the operator from streams of their own,
 * so a seed replays its schedule exactly and injects the same faults whatever the setup.
 */
final class Simulation implements SimCluster, Schedule {
  static final int FAULT_STEPS = 150;
  static final int HEAL_STEPS = 40;
  private static final Duration STEP = Duration.ofSeconds(1);

  /** A broken invariant, with the step it broke at. */
  record Violation(String invariant, int step, String detail) {
    @Override
    public String toString() {
      return invariant + " at step " + step + ": " + detail;
    }
  }

  /**
   * What the schedule's cluster is configured with.
   *
   * @param fenceIgnore {@code fencing: ignore} rather than a fence command
   * @param witness a witness (a third process with a leader lease) is configured
   */
  record Setup(boolean fenceIgnore, boolean witness, boolean onFakeZfs) {
    /** Pools on the simulation's model alone, without {@link FakeZfs}. */
    Setup(boolean fenceIgnore, boolean witness) {
      this(fenceIgnore, witness, false);
    }

    /**
     * Every seed runs on two nodes alone ({@code fencing: command}, no witness) and on three (the
     * witness as the third etcd member), whose fencing alternates by seed between {@code ignore}
     * and {@code command}: the configurations zferry accepts ({@code ignore} needs a witness). Both
     * run their pools on FakeZfs, checked against the model after every step (see {@link SimPool}).
     */
    static List<Setup> forSeed(long seed) {
      return List.of(
          new Setup(false, false, true), new Setup(Math.floorMod(seed, 2L) == 1, true, true));
    }

    @Override
    public String toString() {
      return "fencing "
          + (fenceIgnore ? "ignore" : "command")
          + (witness ? ", witness" : ", no witness")
          + (onFakeZfs ? ", on FakeZfs" : "");
    }
  }

  private final long seed;
  private final Setup setup;
  private final SplittableRandom random;

  /**
   * The faults: their own stream, so one seed injects the same faults into every setup, whatever
   * the nodes decide.
   */
  private final SplittableRandom faultRandom;

  /** The witness's faults and lost replies: a stream of their own as well. */
  private final SplittableRandom witnessRandom;

  private final SplittableRandom witnessReplyRandom;

  /** The operator's actions: a stream of their own too, drawn the same at every step. */
  private final SplittableRandom operatorRandom;

  private final SimOperator operator = new SimOperator(this);

  /**
   * The witness: etcd with three members, one on each node and one on the witness host. Each node
   * talks to its own member, which answers only while it is in a quorum (two members up and
   * connected); the lease semantics are {@link FakeWitness}'s, frozen while no quorum exists.
   */
  private final FakeWitness witness;

  private final MutableClock witnessClock;
  private boolean witnessHostUp = true;
  private boolean witnessCutFromA;
  private boolean witnessCutFromB;
  private double witnessLostReplyRate;
  private final SimNode a;
  private final SimNode b;
  private final List<Integer> acked = new ArrayList<>();

  /** Writes the operator's mark-sync-as-fixed kept aside or, by choice, discarded. */
  private final Set<Integer> resolvedByOperator = new HashSet<>();

  /** The unlocks the operator's mark-sync-as-fixed asked each node for (I4). */
  private final Map<String, Integer> operatorUnlocks = new HashMap<>();

  private final List<Violation> violations = new ArrayList<>();
  private final Deque<String> trace = new ArrayDeque<>();
  private final List<String> operatorLog = new ArrayList<>();
  private final Deque<Claim> sentByA = new ArrayDeque<>();
  private final Deque<Claim> sentByB = new ArrayDeque<>();
  private int step;
  private int nextWrite = 1;
  private long nextGuid = 2;
  private boolean partitioned;
  private double dropRate;
  private double lostReplyRate;
  private boolean fenceFails;
  private boolean pullsStick;
  private boolean faults = true;
  private int sickFenced;
  private int stoodAside;

  Simulation(long seed, Setup setup) {
    this.seed = seed;
    this.setup = setup;
    SplittableRandom root = new SplittableRandom(seed);
    this.random = root.split();
    this.faultRandom = root.split();
    this.witnessRandom = root.split();
    this.witnessReplyRandom = root.split();
    this.operatorRandom = root.split();
    SimPool.Snap initial = new SimPool.Snap(1, List.of(), false);
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    MutableClock clockA = new MutableClock(start);
    MutableClock clockB = new MutableClock(start);
    SimPool poolA =
        SimPool.first(
            Optional.of(setup)
                .filter(Setup::onFakeZfs)
                .map(s -> FakeZfs.openZfs("node-a", clockA, seed)),
            initial);
    SimPool poolB =
        SimPool.replicaOf(
            poolA,
            Optional.of(setup)
                .filter(Setup::onFakeZfs)
                .map(s -> FakeZfs.openZfs("node-b", clockB, seed + 1)));
    this.witnessClock = new MutableClock(start);
    this.witness = new FakeWitness(witnessClock::nanoTime);
    FencingPolicy fencing =
        setup.fenceIgnore() ? new FencingPolicy.Ignore() : SimNode.FENCE_COMMAND;
    this.a =
        new SimNode(
            "node-a", this, List.of("node-b"), clockA, poolA, fencing, witnessClient("node-a"));
    this.b =
        new SimNode(
            "node-b", this, List.of("node-a"), clockB, poolB, fencing, witnessClient("node-b"));
    a.boot(0);
    b.boot(0);
  }

  private Optional<Witness> witnessClient(String node) {
    if (!setup.witness()) {
      return Optional.empty();
    }
    return Optional.of(
        witness.client(
            node,
            () -> inQuorum(node.equals("node-a") ? a : b),
            () -> witnessReplyRandom.nextDouble() < witnessLostReplyRate));
  }

  /** Whether this node's etcd member is in a quorum: it and another member, up and connected. */
  private boolean inQuorum(SimNode node) {
    boolean cut = node == a ? witnessCutFromA : witnessCutFromB;
    return node.up && ((witnessHostUp && !cut) || (peerOf(node).up && !partitioned));
  }

  /** etcd has a leader (and leases expire) only while a quorum exists. */
  private void quorum() {
    boolean quorum = inQuorum(a) || inQuorum(b);
    if (quorum && !witness.up()) {
      witness.restart();
      note("the witness regains a quorum");
    } else if (!quorum && witness.up()) {
      witness.crash();
      note("the witness loses its quorum");
    }
  }

  Setup setup() {
    return setup;
  }

  @Override
  public String setupName() {
    return setup.toString();
  }

  @Override
  public boolean hasWitness() {
    return setup.witness();
  }

  @Override
  public SimNode node(String name) {
    return a.name.equals(name) ? a : b;
  }

  SimNode peerOf(SimNode node) {
    return node == a ? b : a;
  }

  long seed() {
    return seed;
  }

  @Override
  public List<String> trace() {
    return List.copyOf(trace);
  }

  /** Fences of a node whose pool was suspended or hung (it answered, but could not serve). */
  int sickFenced() {
    return sickFenced;
  }

  /** Control steps in which an owner with a failed pool stood aside. */
  int stoodAside() {
    return stoodAside;
  }

  /** Runs the schedule; returns the first violations found (the run stops at the first step). */
  @Override
  public List<Violation> run() {
    for (step = 0; step < FAULT_STEPS + HEAL_STEPS && violations.isEmpty(); step++) {
      if (step == FAULT_STEPS) {
        heal();
      }
      if (faults) {
        injectFaults();
      }
      for (SimNode node : List.of(a, b)) {
        node.clock.advance(STEP);
      }
      witnessClock.advance(STEP);
      if (setup.witness()) {
        quorum();
      }
      heartbeats();
      for (SimNode node : List.of(a, b)) {
        if (node.up) {
          Decision d = node.control.tick();
          note(node.name + ": " + d.describe());
          if (d instanceof Decision.StandAside) {
            stoodAside++;
          }
        }
      }
      clientsWriteAndSnapshot();
      pulls();
      if (faults && faultRandom.nextDouble() < 0.04) {
        operatorSwitchover();
      }
      if (faults) {
        operatorActions();
      } else if (step == FAULT_STEPS + 10 && disputed()) {
        // Healed, both hold on equal epochs with different owners: the operator chooses, as the
        // status tells them to.
        operator.force(a, b);
      }
      checkSafety();
    }
    if (violations.isEmpty()) {
      checkLiveness();
    }
    return List.copyOf(violations);
  }

  /**
   * mark-sync-as-fixed (with or without --discard-divergent) or --force, on either node, at random
   * steps: partitioned, with a node down, or not.
   */
  private void operatorActions() {
    double action = operatorRandom.nextDouble();
    SimNode on = operatorRandom.nextBoolean() ? a : b;
    boolean discard = operatorRandom.nextBoolean();
    if (action < 0.03) {
      operator.markSyncAsFixed(on, peerOf(on), discard);
    } else if (action < 0.04) {
      operator.force(on, peerOf(on));
    }
  }

  /** An operator action and its outcome: in the trace, and in the log of every such action. */
  @Override
  public void noteOperator(String line) {
    operatorLog.add(step + " " + line);
    note(line);
  }

  /** Every operator action of the run with its outcome, prefixed by its step. */
  @Override
  public List<String> operatorLog() {
    return List.copyOf(operatorLog);
  }

  @Override
  public void note(String line) {
    trace.addLast(step + " " + line);
    if (trace.size() > Integer.getInteger("sim.trace", 60)) {
      trace.removeFirst();
    }
  }

  /** Draws the same numbers at every step whatever the nodes do, so a seed's faults never vary. */
  private void injectFaults() {
    SplittableRandom r = faultRandom;
    if (r.nextDouble() < 0.04) {
      partitioned = !partitioned;
      note(partitioned ? "partition (peer link down, clients up)" : "partition healed");
    }
    double rates = r.nextDouble();
    double drop = r.nextDouble() < 0.5 ? 0 : r.nextDouble() * 0.5;
    double lost = r.nextDouble() < 0.5 ? 0 : r.nextDouble();
    if (rates < 0.05) {
      dropRate = drop;
      lostReplyRate = lost;
    }
    if (r.nextDouble() < 0.03) {
      fenceFails = !fenceFails;
    }
    pullsStick = r.nextDouble() < 0.1;
    for (SimNode node : List.of(a, b)) {
      double crash = r.nextDouble();
      double wallStep = r.nextDouble();
      int stepMinutes = r.nextInt(-120, 121);
      double fill = r.nextDouble();
      double hooks = r.nextDouble();
      if (node.up && crash < 0.015) {
        node.crash();
        note(node.name + " crashes");
      } else if (!node.up && crash < 0.1) {
        node.boot(step);
        note(node.name + " restarts");
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
      if (node.up && random.nextDouble() < 0.01) {
        SimNode.PoolFault fault =
            !node.poolWorks()
                ? SimNode.PoolFault.NONE
                : random.nextBoolean() ? SimNode.PoolFault.SUSPENDED : SimNode.PoolFault.HUNG;
        node.poolFault(fault);
        note(node.name + "'s pool: " + fault);
      }
    }
    if (setup.witness()) {
      injectWitnessFaults();
    }
  }

  /** The witness crashes and restarts, is cut off from either node, loses replies. */
  private void injectWitnessFaults() {
    SplittableRandom r = witnessRandom;
    if (witnessHostUp && r.nextDouble() < 0.01) {
      witnessHostUp = false;
      note("the witness host crashes");
    } else if (!witnessHostUp && r.nextDouble() < 0.1) {
      witnessHostUp = true;
      note("the witness host restarts");
    }
    if (r.nextDouble() < 0.03) {
      witnessCutFromA = !witnessCutFromA;
      note(witnessCutFromA ? "node-a cut from the witness" : "node-a reaches the witness");
    }
    if (r.nextDouble() < 0.03) {
      witnessCutFromB = !witnessCutFromB;
      note(witnessCutFromB ? "node-b cut from the witness" : "node-b reaches the witness");
    }
    if (r.nextDouble() < 0.03) {
      witnessLostReplyRate = r.nextDouble() < 0.5 ? 0 : r.nextDouble() * 0.5;
    }
    double isolate = r.nextDouble();
    if (isolate < 0.02) {
      SimNode alone = isolate < 0.01 ? a : b;
      partitioned = true;
      witnessCutFromA |= alone == a;
      witnessCutFromB |= alone == b;
      note(alone.name + " is cut off from its peer and the witness");
    }
  }

  /** Network healed, nodes up, no more faults: what I5 starts from. */
  private void heal() {
    faults = false;
    partitioned = false;
    dropRate = 0;
    lostReplyRate = 0;
    fenceFails = false;
    pullsStick = false;
    witnessCutFromA = false;
    witnessCutFromB = false;
    witnessLostReplyRate = 0;
    witnessHostUp = true;
    for (SimNode node : List.of(a, b)) {
      node.pool.full(false);
      node.startHooksFail = false;
      node.poolFault(SimNode.PoolFault.NONE);
      if (!node.up) {
        node.boot(step);
      }
    }
    note("healed");
  }

  @Override
  public boolean delivered(SimNode from, SimNode to) {
    return from.up && to.up && !partitioned && random.nextDouble() >= dropRate;
  }

  /** Each heartbeat carries the sender's record; some arrive late (an older one) or twice. */
  private void heartbeats() {
    for (SimNode from : List.of(a, b)) {
      SimNode to = peerOf(from);
      Deque<Claim> sent = from == a ? sentByA : sentByB;
      if (from.up) {
        sent.addLast(from.claim(step));
        if (sent.size() > 3) {
          sent.removeFirst();
        }
      }
      if (!sent.isEmpty() && delivered(from, to)) {
        boolean late = faults && random.nextDouble() < 0.1;
        to.heard(late ? sent.peekFirst() : sent.peekLast());
      }
    }
  }

  private void clientsWriteAndSnapshot() {
    for (SimNode node : List.of(a, b)) {
      if (node.acceptsWrites()) {
        int write = nextWrite++;
        if (node.pool.write(write)) {
          acked.add(write);
        }
      }
      if (node.up
          && node.mode == SimNode.Mode.ACTIVE
          && node.poolWorks()
          && random.nextDouble() < 0.3) {
        node.pool.snapshot(nextGuid++);
      }
    }
  }

  private void pulls() {
    for (SimNode node : List.of(a, b)) {
      SimNode peer = peerOf(node);
      if (node.up && node.staleCycle) {
        // The cancelled cycle returns at last, and does what it was doing: receive (-F) and set
        // the pool read-only, whatever the node became meanwhile.
        node.staleCycle = false;
        node.pool.readOnly = true;
        if (delivered(peer, node) && poolsWork(node)) {
          pullOnce(node);
        }
        note(node.name + ": a cancelled pull cycle ended");
        continue;
      }
      if (node.up
          && node.pulling
          && !node.record().isLocked()
          && delivered(peer, node)
          && poolsWork(node)) {
        pullOnce(node);
      }
    }
  }

  /** A receive needs both pools to answer: a suspended or hung one fails or stalls the cycle. */
  boolean poolsWork(SimNode node) {
    return node.poolWorks() && peerOf(node).poolWorks();
  }

  private SimPool.Received pullOnce(SimNode node) {
    SimPool.Received received = node.pool.pullFrom(peerOf(node).pool);
    discarded(node, received.discarded(), "incremental receive -F");
    return received;
  }

  // ----- ports the nodes call back -----

  @Override
  public Optional<String> fence(SimNode by) {
    if (fenceFails) {
      note(by.name + " fails to fence");
      return Optional.of("exit 1");
    }
    SimNode peer = peerOf(by);
    if (!peer.poolWorks()) {
      sickFenced++;
      note(by.name + " fences " + peer.name + ", whose pool is " + peer.poolFault);
    }
    peer.crash();
    note(by.name + " fences " + peer.name);
    return Optional.empty();
  }

  @Override
  public boolean pullCycleStuck(SimNode node) {
    return pullsStick;
  }

  @Override
  public long newGuid() {
    return nextGuid++;
  }

  @Override
  public void resolvedByOperator(List<Integer> writes) {
    resolvedByOperator.addAll(writes);
  }

  @Override
  public void operatorUnlocks(SimNode node) {
    operatorUnlocks.merge(node.name, 1, Integer::sum);
  }

  /** A request from one node to its peer and its reply, either of which may be lost. */
  @Override
  public <T> T overNetwork(SimNode from, SimNode to, String what, Supplier<T> action) {
    if (!delivered(from, to)) {
      note(what + ": request lost");
      throw new OperationException(OperationException.Kind.UNANSWERED, "request lost");
    }
    T result = action.get();
    if (!delivered(to, from) || random.nextDouble() < lostReplyRate) {
      note(what + ": reply lost");
      throw new OperationException(OperationException.Kind.UNANSWERED, "reply lost");
    }
    return result;
  }

  /** I3: what a rollback discards must exist somewhere else. */
  @Override
  public void discarded(SimNode node, List<Integer> writes, String how) {
    for (int write : writes) {
      if (!a.pool.contains(write) && !b.pool.contains(write)) {
        violations.add(
            new Violation("I3", step, node.name + " destroyed write " + write + " by " + how));
        return;
      }
    }
  }

  // ----- the operator's switchover -----

  private void operatorSwitchover() {
    SimNode from = a.acceptsWrites() ? a : b.acceptsWrites() ? b : null;
    if (from == null) {
      return;
    }
    SimNode to = peerOf(from);
    ServiceState local = from.record();
    PeerView view = from.peerView();
    // What ServiceRuntime.requireSwitchoverPossible demands.
    if (local.isLocked()
        || !local.isActive(from.name)
        || !(view instanceof PeerView.Answering answering)
        || answering.service().isEmpty()
        || answering.service().get().epoch() != local.epoch()
        || !answering.service().get().activeNode().equals(from.name)
        || answering.service().get().locked()) {
      return;
    }
    note(from.name + " starts a switchover to " + to.name);
    if (random.nextDouble() < 0.2) {
      from.store.failNext("changeOwner"::equals);
      note(from.name + "'s store will fail to record the owner");
    }
    try {
      ActionReport report =
          new Switchover(new SwitchingSide(from), from.store, from.clock, s -> {})
              .run(local, to.name, "operator", new SimPeerCommands(from, to));
      note("switchover: " + report.summary());
    } catch (RuntimeException e) {
      note("switchover threw: " + e.getMessage());
    }
    from.store.failNext(call -> false);
  }

  /** The old active's side of a switchover, as ServiceRuntime's does it. */
  private final class SwitchingSide implements Switchover.Local {
    private final SimNode node;

    SwitchingSide(SimNode node) {
      this.node = node;
    }

    @Override
    public String service() {
      return SimNode.SERVICE;
    }

    @Override
    public String self() {
      return node.name;
    }

    @Override
    public void vipsDown() {}

    @Override
    public String runStopHooks() {
      node.hooksDone = false;
      return "stop hooks done";
    }

    @Override
    public void stopWrites() {
      node.pool.readOnly = true;
    }

    @Override
    public FinalSnapshot finalSnapshot() {
      long guid = nextGuid++;
      node.pool.snapshot(guid);
      return new FinalSnapshot(
          SnapshotName.parse("tank@final-" + guid), Map.of(DatasetName.of("tank"), new Guid(guid)));
    }

    @Override
    public boolean hasWitness() {
      return setup.witness();
    }

    @Override
    public void handOverLease(String to) {
      node.control
          .handOverLease(to)
          .ifPresent(
              why -> {
                throw new OperationException(OperationException.Kind.FAILED, why);
              });
    }

    @Override
    public void restoreActive() {
      node.mode = SimNode.Mode.STARTING;
      node.control.decided(new Decision.Serve());
      node.serve();
    }

    @Override
    public void stepDown() {
      node.mode = SimNode.Mode.PASSIVE;
    }

    @Override
    public void followPeer() {
      node.pulling = true;
      node.control.decided(new Decision.Follow(true));
    }

    @Override
    public void holdUnresolved(String reason) {
      node.follow(false, true);
      node.control.decided(new Decision.Hold(reason));
    }
  }

  /** The new active's side of a switchover, as ServiceRuntime's does it. */
  private final class PromotedSide implements Promotion.Local {
    private final SimNode node;

    PromotedSide(SimNode node) {
      this.node = node;
    }

    @Override
    public String service() {
      return SimNode.SERVICE;
    }

    @Override
    public String self() {
      return node.name;
    }

    @Override
    public String peer() {
      return peerOf(node).name;
    }

    @Override
    public void serve() {
      node.control.confirmedByOperator();
      node.control.decided(new Decision.Serve());
      node.serve();
    }

    @Override
    public Optional<String> startProblem() {
      return node.hooksDone ? Optional.empty() : Optional.of("start hooks failed on " + node.name);
    }

    @Override
    public void stepBack(String reason) {
      node.follow(false, true);
      node.control.decided(new Decision.Hold(reason));
    }
  }

  /** The peer's API over the simulated network: a request or its reply may be lost. */
  private final class SimPeerCommands implements PeerCommands {
    private final SimNode from;
    private final SimNode to;

    SimPeerCommands(SimNode from, SimNode to) {
      this.from = from;
      this.to = to;
    }

    private <T> T call(String what, Supplier<T> action) {
      return overNetwork(from, to, what, action);
    }

    @Override
    public String catchUp(String service, FinalSnapshot last) {
      return call(
          "catch-up",
          () ->
              new CatchUp(
                      to.name,
                      () -> {
                        if (!delivered(from, to) || !poolsWork(to)) {
                          return Optional.empty();
                        }
                        pullOnce(to);
                        return Optional.of(report(to));
                      },
                      () -> listing(to),
                      () -> to.record().isLocked(),
                      to.clock::nanoTime,
                      () -> to.clock.advance(Duration.ofMinutes(1)))
                  .run(last));
    }

    @Override
    public String promote(String service, long epoch, String actor) {
      return call("promote", () -> Promotion.run(new PromotedSide(to), to.store, epoch, actor));
    }

    @Override
    public ResyncResult resync(String service, Puller.Divergence how, String actor) {
      throw new UnsupportedOperationException("not simulated");
    }

    @Override
    public String unlock(String service, long epoch, String actor, String reason) {
      throw new UnsupportedOperationException("not simulated");
    }
  }

  /** The node's pool as {@code zfs list} would show it. */
  private static SnapshotListing listing(SimNode node) {
    return new SnapshotListing(
        node.pool.snapshots.stream()
            .map(
                s ->
                    new Snapshot(
                        SnapshotName.parse("tank@s" + s.guid()),
                        new Guid(s.guid()),
                        s.guid(),
                        Instant.EPOCH))
            .toList(),
        List.of());
  }

  /** What a pull that applied {@code node}'s newest snapshot reports. */
  static io.zferry.sync.pull.PullReport report(SimNode node) {
    SimPool.Snap newest = node.pool.newest();
    Instant at = node.clock.instant();
    return new io.zferry.sync.pull.PullReport(
        io.zferry.snapshot.zfs.DatasetName.of("tank"),
        at,
        at,
        List.of(),
        Optional.of(
            new Snapshot(
                SnapshotName.parse("tank@s" + newest.guid()),
                new Guid(newest.guid()),
                newest.guid(),
                at)),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  // ----- the invariants -----

  private boolean disputed() {
    return a.record().epoch() == b.record().epoch()
        && !a.record().activeNode().equals(b.record().activeNode());
  }

  private boolean anyLocked() {
    return a.record().isLocked() || b.record().isLocked();
  }

  private void checkSafety() {
    if (!violations.isEmpty()) {
      return;
    }
    // The model's pools are the shared FakeZfs's: same live files, same snapshots.
    for (SimNode node : List.of(a, b)) {
      Optional<String> mismatch = node.pool.mismatch();
      if (mismatch.isPresent()) {
        violations.add(new Violation("FakeZfs", step, mismatch.get()));
        return;
      }
    }
    // I1: never two unfenced nodes accepting writes (a fenced node is powered off: not up).
    if (a.acceptsWrites() && b.acceptsWrites()) {
      violations.add(new Violation("I1", step, "node-a and node-b both accept writes"));
      return;
    }
    // I2: every acknowledged write is on the node accepting writes, unless the service is locked
    // (then it must still exist where the divergence report finds it) or the operator's
    // mark-sync-as-fixed kept it aside or, with --discard-divergent, chose to discard it.
    SimNode active = a.acceptsWrites() ? a : b.acceptsWrites() ? b : null;
    for (int write : acked) {
      if (resolvedByOperator.contains(write)) {
        continue;
      }
      boolean somewhere = a.pool.contains(write) || b.pool.contains(write);
      boolean onActive = active == null || active.pool.live.contains(write);
      if (!somewhere || (!onActive && !anyLocked())) {
        violations.add(
            new Violation(
                "I2",
                step,
                "acknowledged write "
                    + write
                    + (somewhere ? " is missing on the active " + active.name : " is gone")
                    + (anyLocked() ? "" : " and the service is not locked")));
        return;
      }
    }
    // I4: a lock is cleared only by mark-sync-as-fixed: no more unlocks than it asked a node for,
    // each by unlockSync.
    for (SimNode node : List.of(a, b)) {
      var unlocks = node.store.unlockHistory();
      if (unlocks.size() > operatorUnlocks.getOrDefault(node.name, 0)
          || unlocks.stream()
              .anyMatch(u -> !u.how().startsWith("unlockSync: mark-sync-as-fixed"))) {
        violations.add(
            new Violation(
                "I4", step, node.name + " cleared its lock: " + node.store.unlockHistory()));
        return;
      }
    }
  }

  /** I5: healed and up, one node serves and, unless locked, the other resumes replication. */
  private void checkLiveness() {
    long serving = List.of(a, b).stream().filter(SimNode::acceptsWrites).count();
    if (serving != 1) {
      violations.add(
          new Violation(
              "I5",
              step,
              serving
                  + " nodes serve after "
                  + HEAL_STEPS
                  + " healed steps (node-a: "
                  + a.control.decision().describe()
                  + "; node-b: "
                  + b.control.decision().describe()
                  + ")"));
      return;
    }
    if (anyLocked()) {
      return;
    }
    SimNode active = a.acceptsWrites() ? a : b;
    SimNode passive = peerOf(active);
    long guid = active.pool.snapshot(nextGuid++).guid();
    for (int i = 0; i < 10; i++, step++) {
      for (SimNode node : List.of(a, b)) {
        node.clock.advance(STEP);
      }
      witnessClock.advance(STEP);
      heartbeats();
      a.control.tick();
      b.control.tick();
      pulls();
    }
    if (!passive.pool.holds(guid)) {
      violations.add(
          new Violation(
              "I5",
              step,
              passive.name
                  + " did not receive "
                  + active.name
                  + "'s snapshot within 10 cycles ("
                  + passive.control.decision().describe()
                  + ")"));
    }
  }
}
