package io.zferry.service.simulation;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.control.ControlPorts;
import io.zferry.service.control.LeaderLease;
import io.zferry.service.control.ServiceControl;
import io.zferry.service.control.Witness;
import io.zferry.service.failover.FollowedPeer;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.failover.PeerView;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One simulated node: its state store and pool survive a crash; its control step ({@link
 * ServiceControl}, the daemon's own) and what it does now are lost with it. It is the executor of
 * its control step over the simulated pool, network and fence agent.
 *
 * <p>Of more than two nodes (under Pacemaker), it hears every other node, and each control step
 * weighs the one {@link FollowedPeer#choose} picks, as {@link FollowedPeer#asWeighedBy} shows it,
 * as the daemon's {@code PeerRoute} and {@code ServiceExecutor} do.
 */
final class SimNode implements ControlPorts {
  static final String SERVICE = "tank";
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
  static final FencingPolicy FENCE_COMMAND =
      new FencingPolicy.Command(List.of("/usr/local/sbin/fence-peer"), Duration.ofSeconds(60));

  /** The witness's lease: renewed every 2 s, given up 2 s before it could expire. */
  static final Duration LEASE_TTL = Duration.ofSeconds(6);

  static final Duration LEASE_MARGIN = Duration.ofSeconds(2);

  /** What is wrong with the node's pool: suspended (I/O errors), or every ZFS command hangs. */
  enum PoolFault {
    NONE,
    SUSPENDED,
    HUNG
  }

  enum Mode {
    STARTING,
    ACTIVE,
    PASSIVE,
    HOLDING
  }

  /**
   * The peer's service record as a heartbeat carried it, and the step it was sent at: a late answer
   * is one to a request this process sent, never older than the process itself.
   */
  record Claim(
      String owner,
      long epoch,
      Optional<SyncLock> lock,
      NodeHealth health,
      int sentAt,
      long lastApplied) {}

  /** What this node last heard from one other node since it started. */
  private static final class Heard {
    long heardAt;
    boolean seenSinceStart;
    Optional<Claim> lastClaim = Optional.empty();
  }

  final String name;
  final SimCluster sim;

  /** The other nodes, in the order the configuration lists them. */
  final List<String> peers;

  final MutableClock clock;
  final InMemoryStateStore store;
  final SimPool pool;
  final FencingPolicy fencing;
  final Optional<Witness> witness;

  boolean up;
  int bootStep;
  ServiceControl control;
  Mode mode;
  boolean hooksDone;
  boolean pulling;

  /** A cancelled pull cycle that has not returned yet: it still acts when it does. */
  boolean staleCycle;

  boolean startHooksFail;
  PoolFault poolFault = PoolFault.NONE;
  long poolFaultSince;
  long startedAt;
  private final Map<String, Heard> heard = new LinkedHashMap<>();

  /** The peer the last control step weighed ({@link #choosePeer}). */
  String followed;

  /** Whom a cancelled pull cycle that has not returned yet pulls from. */
  String staleFrom;

  /** What Pacemaker last asked of this node's instance; empty under zferry's own rules. */
  Optional<PacemakerIntent> intent = Optional.empty();

  SimNode(
      String name,
      SimCluster sim,
      List<String> peers,
      MutableClock clock,
      SimPool pool,
      FencingPolicy fencing,
      Optional<Witness> witness) {
    this.name = name;
    this.sim = sim;
    this.peers = List.copyOf(peers);
    this.clock = clock;
    this.store = new InMemoryStateStore(clock);
    this.pool = pool;
    this.fencing = fencing;
    this.witness = witness;
  }

  /** A fresh daemon: nothing in memory, the store and the pool as they were. */
  void boot(int step) {
    up = true;
    bootStep = step;
    mode = Mode.STARTING;
    hooksDone = false;
    pulling = false;
    staleCycle = false;
    startedAt = clock.nanoTime();
    heard.clear();
    peers.forEach(peer -> heard.put(peer, new Heard()));
    followed = peers.get(0);
    // A reboot empties /run, where Pacemaker's last word is kept: it waits for Pacemaker again.
    intent = intent.map(i -> PacemakerIntent.STOPPED);
    store.initialiseService(SERVICE, "node-a");
    control =
        new ServiceControl(
            SERVICE,
            name,
            () -> followed,
            fencing,
            HEARTBEAT_TIMEOUT,
            store,
            this,
            clock,
            clock::nanoTime,
            witness.map(w -> new LeaderLease(name, w, LEASE_TTL, LEASE_MARGIN, clock::nanoTime)));
  }

  void crash() {
    up = false;
    // A power cycle ends a hung daemon, and the pool is imported afresh.
    poolFault = PoolFault.NONE;
    mode = Mode.STARTING;
    hooksDone = false;
    pulling = false;
    staleCycle = false;
  }

  /**
   * Whether a client's write is acknowledged now. A suspended or hung pool acknowledges nothing,
   * but the node does again the moment its pool recovers, without a control step in between.
   */
  boolean acceptsWrites() {
    return up && mode == Mode.ACTIVE && hooksDone && !pool.readOnly && poolWorks();
  }

  boolean poolWorks() {
    return poolFault == PoolFault.NONE;
  }

  void poolFault(PoolFault fault) {
    poolFault = fault;
    poolFaultSince = clock.nanoTime();
  }

  /** What its probe reports: a hung zpool never answers, so its last answer ages. */
  NodeHealth health() {
    return switch (poolFault) {
      case NONE -> NodeHealth.online();
      case SUSPENDED -> new NodeHealth("SUSPENDED", Duration.ZERO, Duration.ZERO);
      case HUNG ->
          new NodeHealth(
              "ONLINE", Duration.ofNanos(clock.nanoTime() - poolFaultSince), Duration.ZERO);
    };
  }

  ServiceState record() {
    return store.serviceState(SERVICE).orElseThrow();
  }

  Claim claim(int step) {
    ServiceState state = record();
    return new Claim(
        state.activeNode(), state.epoch(), state.lock(), health(), step, pool.newestOwn().guid());
  }

  /** A heartbeat from the one peer of two nodes. */
  void heard(Claim claim) {
    heard(peers.get(0), claim);
  }

  void heard(String from, Claim claim) {
    if (claim.sentAt() < bootStep) {
      return;
    }
    Heard h = heard.get(from);
    h.heardAt = clock.nanoTime();
    h.seenSinceStart = true;
    h.lastClaim = Optional.of(claim);
  }

  /** Whether any other node answered since this daemon started. */
  boolean heardSinceStart() {
    return heard.values().stream().anyMatch(h -> h.seenSinceStart);
  }

  /** What the heartbeats say about {@code peer} now, as it answered (not as the rules weigh it). */
  PeerView viewOf(String peer) {
    Heard h = heard.get(peer);
    long now = clock.nanoTime();
    if (h.seenSinceStart && now - h.heardAt < HEARTBEAT_TIMEOUT.toNanos()) {
      Claim c = h.lastClaim.orElseThrow();
      return new PeerView.Answering(
          Optional.of(
              new PeerView.PeerServiceState(
                  c.owner(), c.epoch(), c.lock().isPresent(), c.health())));
    }
    Duration silent = Duration.ofNanos(now - (h.seenSinceStart ? h.heardAt : startedAt));
    return new PeerView.Silent(silent, silent, h.seenSinceStart);
  }

  /** The claim {@code peer} last sent that reached this node since it started. */
  Optional<Claim> lastClaim(String peer) {
    return heard.get(peer).lastClaim;
  }

  /**
   * Chooses the peer a decision weighs, as the daemon does before each one ({@code
   * ServiceExecutor.peerView} calls {@code PeerRoute.choose}).
   */
  void choosePeer() {
    if (peers.size() > 1) {
      Map<String, PeerView> views = new LinkedHashMap<>();
      peers.forEach(peer -> views.put(peer, viewOf(peer)));
      followed = FollowedPeer.choose(name, record(), views);
    }
  }

  @Override
  public PeerView peerView() {
    choosePeer();
    return FollowedPeer.asWeighedBy(name, record(), peers.size(), viewOf(followed));
  }

  @Override
  public Optional<SyncLock> peerLock() {
    // A lock among the others is not a bystander's (ServiceExecutor.peerLock).
    if (FollowedPeer.bystander(name, record(), peers.size())) {
      return Optional.empty();
    }
    return heard.get(followed).lastClaim.flatMap(Claim::lock);
  }

  @Override
  public Optional<PacemakerIntent> pacemakerIntent() {
    return intent;
  }

  @Override
  public Isolation isolation() {
    return Isolation.NOT_CHECKED;
  }

  @Override
  public NodeHealth ownHealth() {
    return health();
  }

  @Override
  public void recorded(ServiceState state, String why) {
    if (why.contains("two takeovers")) {
      sim.note(name + ": " + why);
    }
  }

  @Override
  public boolean severalPeers() {
    return peers.size() > 1;
  }

  @Override
  public boolean servedWrites() {
    return mode == Mode.ACTIVE && hooksDone;
  }

  @Override
  public Optional<String> fencePeer() {
    return sim.fence(this);
  }

  @Override
  public boolean stopPulling() {
    // Only a loop that was pulling can leave a cycle behind.
    if (pulling && sim.pullCycleStuck(this)) {
      staleCycle = true;
      staleFrom = record().activeNode();
    }
    pulling = false;
    return !staleCycle;
  }

  @Override
  public void rollBackToLastApplied() {
    sim.discarded(this, pool.rollBackToNewest(), "rollback to the last applied snapshot");
  }

  @Override
  public void serve() {
    if (mode != Mode.ACTIVE) {
      if (!stopPulling()) {
        return;
      }
      pool.readOnly = false;
      mode = Mode.ACTIVE;
      hooksDone = false;
    }
    if (!hooksDone) {
      hooksDone = !startHooksFail;
    }
  }

  @Override
  public void standAside(String reason) {
    // No ZFS command: the pool's read-only flag stays as it was.
    hooksDone = false;
    mode = Mode.HOLDING;
    pulling = false;
  }

  @Override
  public void follow(boolean pull, boolean holding) {
    hooksDone = false;
    pool.readOnly = true;
    mode = holding ? Mode.HOLDING : Mode.PASSIVE;
    pulling = pull;
  }
}
