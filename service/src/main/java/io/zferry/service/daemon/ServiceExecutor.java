package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.actions.Fencer;
import io.zferry.service.actions.LocalProgram;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.control.ControlPorts;
import io.zferry.service.failover.FollowedPeer;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.failover.PeerView;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.service.status.HeartbeatView.LockView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.Puller;
import io.zferry.vip.AddressProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what the control step decides for one service on this node, over ZFS, hooks, VIPs,
 * fencing and the pull loop, and remembers what it currently does ({@link Mode}).
 */
final class ServiceExecutor implements ControlPorts {
  private static final Logger log = LoggerFactory.getLogger(ServiceExecutor.class);

  /** What this node currently does for the service. */
  enum Mode {
    STARTING,
    ACTIVE,
    PASSIVE,
    HOLDING
  }

  private final String self;
  private final PeerRoute peers;
  private final ServiceConfig config;
  private final StateStore store;
  private final Zfs localZfs;
  private final Supplier<Isolation> isolation;
  private final Duration heartbeatTimeout;
  private final ActiveDuties active;
  private final PullLoop pullLoop;
  private final Supplier<NodeHealth> ownHealth;
  private final Supplier<Optional<PacemakerIntent>> pacemakerIntent;

  // Changed by the control thread only (tick and operator actions are synchronized).
  private Mode mode = Mode.STARTING;
  private boolean standingAside;
  // The peer cannot hold the VIPs (fenced for a takeover, or it took them down in a switchover),
  // and the serve() that follows has not begun yet: the VIPs come up after a short probe.
  private boolean peerLetVipsGo;

  ServiceExecutor(
      String self,
      PeerRoute peers,
      ServiceConfig config,
      StateStore store,
      Zfs localZfs,
      Supplier<Isolation> isolation,
      Duration heartbeatTimeout,
      ActiveDuties active,
      PullLoop pullLoop,
      Supplier<NodeHealth> ownHealth,
      Supplier<Optional<PacemakerIntent>> pacemakerIntent) {
    this.self = self;
    this.peers = peers;
    this.config = config;
    this.store = store;
    this.localZfs = localZfs;
    this.isolation = isolation;
    this.heartbeatTimeout = heartbeatTimeout;
    this.active = active;
    this.pullLoop = pullLoop;
    this.ownHealth = ownHealth;
    this.pacemakerIntent = pacemakerIntent;
  }

  Mode mode() {
    return mode;
  }

  void mode(Mode next) {
    mode = next;
  }

  @Override
  public PeerView peerView() {
    // Chosen anew for every decision, not only at the control loop's steps: a promotion's or an
    // operator action's step must not weigh the choice of a step before (after a boot, the first
    // peer listed, perhaps silent while another answers with a newer record).
    PeerView view = peers.choose().watch().view(name(), heartbeatTimeout);
    return store
        .serviceState(name())
        .map(local -> FollowedPeer.asWeighedBy(self, local, peers.all().size(), view))
        .orElse(view);
  }

  /** {@link FollowedPeer#bystander}: a lock among the others is not this node's. */
  private boolean bystander() {
    return store
        .serviceState(name())
        .map(local -> FollowedPeer.bystander(self, local, peers.all().size()))
        .orElse(false);
  }

  @Override
  public Optional<PacemakerIntent> pacemakerIntent() {
    return pacemakerIntent.get();
  }

  @Override
  public boolean severalPeers() {
    return peers.all().size() > 1;
  }

  @Override
  public Optional<SyncLock> peerLock() {
    if (bystander()) {
      return Optional.empty();
    }
    return peers
        .followed()
        .watch()
        .lastHeartbeat()
        .flatMap(h -> h.services().stream().filter(c -> c.name().equals(name())).findFirst())
        .map(ServiceClaim::lock)
        .map(ServiceExecutor::syncLock);
  }

  private static SyncLock syncLock(LockView view) {
    SyncLock lock = SyncLock.of(view.reason(), Instant.parse(view.since()), view.lockedBy());
    if (view.lastCommonSnapshot() != null && view.lastCommonGuid() != null) {
      lock = lock.withLastCommon(view.lastCommonSnapshot(), view.lastCommonGuid());
    }
    return lock;
  }

  @Override
  public Isolation isolation() {
    return isolation.get();
  }

  @Override
  public NodeHealth ownHealth() {
    return ownHealth.get();
  }

  @Override
  public boolean servedWrites() {
    return mode == Mode.ACTIVE && active.startHooksDone();
  }

  @Override
  public Optional<String> fencePeer() {
    NodeConfig peerNode = peers.followed().node();
    String peer = peerNode.name().value();
    FencingPolicy.Command policy = (FencingPolicy.Command) config.fencing();
    log.warn("{}: fencing {} to take over", name(), peer);
    LocalProgram.Outcome outcome = Fencer.fence(policy, peerNode, name());
    if (outcome.succeeded()) {
      event(EventKind.FENCE, "fenced " + peer + ": " + outcome.summary());
      peerLetVipsGo = true;
      return Optional.empty();
    }
    log.error(
        "{}: fencing {} failed ({}); NOT taking over, the peer may still be writing",
        name(),
        peer,
        outcome.summary());
    event(EventKind.FENCE, "fencing " + peer + " failed: " + outcome.summary() + "; no takeover");
    return Optional.of(outcome.summary());
  }

  /** The old active took the VIPs down and said so: a switchover's promotion is about to serve. */
  void peerTookVipsDown() {
    peerLetVipsGo = true;
  }

  @Override
  public boolean stopPulling() {
    // peerLetVipsGo: fenced just now, or it handed over in a switchover; either way no command
    // still running there is worth a grace period.
    return pullLoop.stopAndWait(PullLoop.STOP_WAIT, peerLetVipsGo);
  }

  /**
   * The copy becomes writable exactly as last received: anything after the newest snapshot of each
   * dataset (nothing, normally, since the passive is read-only) is discarded.
   */
  @Override
  public void rollBackToLastApplied() {
    try {
      Map<DatasetName, Snapshot> newest = new TreeMap<>();
      for (Snapshot snapshot : localZfs.listSnapshots(pool()).snapshots()) {
        if (!Puller.isSetAside(snapshot.dataset())) {
          newest.put(snapshot.dataset(), snapshot);
        }
      }
      for (Snapshot snapshot : newest.values()) {
        localZfs.rollback(snapshot.name(), false);
      }
    } catch (RuntimeException e) {
      log.warn("{}: could not roll back to the last applied snapshots: {}", name(), e.getMessage());
    }
  }

  @Override
  public void serve() {
    standingAside = false;
    if (mode != Mode.ACTIVE) {
      if (!pullLoop.stopAndWait()) {
        // A cancelled cycle may still unmount datasets or set readonly: not before it ended.
        log.info("{}: waiting for the cancelled pull cycle to end before serving", name());
        return;
      }
      setReadOnly(false);
      mode = Mode.ACTIVE;
      active.begin(peerLetVipsGo ? AddressProbe.SHORT : AddressProbe.FULL);
      peerLetVipsGo = false;
      event(EventKind.ROLE_CHANGE, "serving " + config.pool() + " as the active node");
    }
    active.keepServing();
  }

  /**
   * VIPs down and hooks stopped, with no ZFS command: the pool is suspended or ZFS hangs, and a
   * {@code zfs set readonly} would hang this thread too. The record is left alone.
   */
  @Override
  public void standAside(String reason) {
    peerLetVipsGo = false;
    boolean wasActive = mode == Mode.ACTIVE;
    if (wasActive) {
      active.relinquish();
    } else {
      active.convergeVips(false);
    }
    pullLoop.enable(false);
    if (!standingAside) {
      standingAside = true;
      log.error("{}: {}", name(), reason);
      event(EventKind.ROLE_CHANGE, (wasActive ? "stopped serving: " : "") + reason);
    }
    mode = Mode.HOLDING;
  }

  @Override
  public void follow(boolean pull, boolean holding) {
    standingAside = false;
    peerLetVipsGo = false;
    if (mode == Mode.ACTIVE) {
      active.relinquish();
    }
    if (mode != Mode.PASSIVE && mode != Mode.HOLDING) {
      setReadOnly(true);
    }
    active.convergeVips(false);
    mode = holding ? Mode.HOLDING : Mode.PASSIVE;
    pullLoop.enable(pull);
  }

  @Override
  public void recorded(ServiceState state, String why) {
    log.warn(
        "{}: {}: owner {} at epoch {}{}",
        name(),
        why,
        state.activeNode(),
        state.epoch(),
        state.isLocked() ? ", sync locked" : "");
  }

  /** Stops or allows writes on the pool ({@link PoolWrites}); returns what failed. */
  List<String> setReadOnly(boolean readOnly) {
    List<String> problems = PoolWrites.readOnly(localZfs, pool(), readOnly);
    problems.forEach(p -> log.warn("{}: {}", name(), p));
    return problems;
  }

  private void event(EventKind kind, String message) {
    store.recordEvent(kind, name(), self, StateStore.SYSTEM_ACTOR, message);
  }

  private String name() {
    return config.name().value();
  }

  private DatasetName pool() {
    return config.pool();
  }
}
