package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import io.zferry.service.control.LeaderLease;
import io.zferry.service.control.ServiceControl;
import io.zferry.service.failover.ControlCadence;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.PeerView;
import io.zferry.service.failover.VipControl;
import io.zferry.service.model.NodeName;
import io.zferry.service.operations.ActionReport;
import io.zferry.service.operations.CatchUp;
import io.zferry.service.operations.DivergenceInspector;
import io.zferry.service.operations.DivergenceQuery;
import io.zferry.service.operations.DivergenceReport;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.ForceActive;
import io.zferry.service.operations.MarkSyncAsFixed;
import io.zferry.service.operations.PeerCommands;
import io.zferry.service.operations.Promotion;
import io.zferry.service.operations.Resync;
import io.zferry.service.operations.ResyncResult;
import io.zferry.service.operations.Steps;
import io.zferry.service.operations.Switchover;
import io.zferry.service.operations.SwitchoverCheck;
import io.zferry.service.operations.SyncUnlock;
import io.zferry.service.pacemaker.IntentFile;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.schedule.SnapshotScheduler;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.transfer.StreamRelay;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clustered service on this node: wires its parts and serialises the control loop with the
 * operator actions. Each tick {@link ServiceControl} decides from the stored record and the peer
 * what the failover rules allow and converges on it through {@link ServiceExecutor}: on the active,
 * a writable pool, start hooks, VIPs and snapshot rounds ({@link ActiveDuties}); on the passive, a
 * read-only pool and pull cycles ({@link PullLoop}). Every change of owner is written to the state
 * store before anything else is touched (design §5 rule 1), so a restarted node resumes from its
 * record.
 *
 * <p>The operator actions are their own classes in {@code operations} ({@link Switchover}, {@link
 * Promotion}, {@link ForceActive}, {@link MarkSyncAsFixed}, {@link Resync}); this node's part in
 * them is {@link ServiceSide}. Each runs synchronized with {@link #tick()}, so the control loop
 * never acts on a half-done action.
 */
public final class ServiceRuntime implements ControlLoop, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

  private final NodeName self;
  private final PeerRoute peers;
  private final ServiceConfig config;
  private final StateStore store;
  private final Zfs localZfs;
  private final Duration heartbeatTimeout;
  private final ActiveDuties active;
  private final PassiveHolds passiveHolds;
  private final PullLoop pullLoop;
  private final ServiceControl control;
  private final PoolHealthProbe poolHealth;
  private final ServiceSide side;
  private final Optional<PacemakerInstance> pacemaker;
  private final ServiceStatusView statusView;
  private final ServiceClaimView claimView;
  private final Clock clock;
  private final LongSupplier nanoTime;

  private volatile Steps currentAction;
  private final AtomicInteger operatorActions = new AtomicInteger();
  // The configured settings with the operator's run-time changes (see changeSettings).
  private volatile Settings settings;

  public ServiceRuntime(
      NodeConfig me,
      List<PeerChannel> peerChannels,
      ServiceConfig config,
      StateStore store,
      Zfs localZfs,
      Optional<StreamRelay> relay,
      Supplier<Isolation> isolation,
      Duration heartbeatTimeout,
      VipControl vips,
      SnapshotScheduler scheduler,
      Clock clock,
      LongSupplier nanoTime,
      Optional<LeaderLease> lease,
      Optional<Path> pacemakerDirectory) {
    this.self = me.name();
    this.config = config;
    this.store = store;
    this.localZfs = localZfs;
    this.heartbeatTimeout = heartbeatTimeout;
    this.peers = new PeerRoute(name(), self.value(), peerChannels, store, heartbeatTimeout);
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.settings = config.settings();
    this.passiveHolds =
        new PassiveHolds(
            peerChannels.stream()
                .map(
                    peer ->
                        new PassiveHold(
                            name(),
                            peer.name().value(),
                            peer.watch(),
                            heartbeatTimeout,
                            store,
                            () -> settings.passiveHold(),
                            nanoTime))
                .toList());
    this.active =
        new ActiveDuties(
            self, config, store, localZfs, vips, scheduler, () -> settings, passiveHolds, clock);
    this.pullLoop =
        new PullLoop(
            name(),
            self,
            () -> peers.owner().map(owner -> new PullLoop.Source(owner.name(), owner.zfs())),
            config.pool(),
            // This node's own pull interval and limit, if it has them (an off-site passive).
            () -> me.pullingBy(settings),
            config.rawSends(),
            peerChannels.size() > 1,
            store,
            localZfs,
            relay,
            PeerHost.wireCompression(name(), config.wireCompression(), clock),
            clock);
    this.poolHealth =
        new PoolHealthProbe(
            name(), timeout -> localZfs.poolHealth(config.pool(), timeout), nanoTime);
    Optional<IntentFile> intent =
        pacemakerDirectory.map(directory -> new IntentFile(directory, config.name().value()));
    ServiceExecutor executor =
        new ServiceExecutor(
            self.value(),
            peers,
            config,
            store,
            localZfs,
            isolation,
            heartbeatTimeout,
            active,
            pullLoop,
            () -> poolHealth.health(Duration.ZERO),
            () -> intent.map(IntentFile::intent));
    this.control =
        new ServiceControl(
            name(),
            self.value(),
            () -> peers.followed().name().value(),
            config.fencing(),
            heartbeatTimeout,
            store,
            executor,
            clock,
            nanoTime,
            lease);
    this.side =
        new ServiceSide(
            name(),
            self.value(),
            () -> peers.followed().name().value(),
            pool().value(),
            active,
            executor,
            pullLoop,
            control,
            this::peerView,
            lease.isPresent());
    this.pacemaker =
        intent.map(
            i ->
                new PacemakerInstance(
                    side,
                    i,
                    pacemakerDirectory.get(),
                    store,
                    this::catchUp,
                    OtherPassives.of(
                            name(),
                            config.pool(),
                            localZfs,
                            peers,
                            heartbeatTimeout,
                            pullLoop::runNowFrom)
                        ::catchUp,
                    peers::heardSinceStart,
                    new NewestApplied(pullLoop::lastApplied, localZfs, config.pool(), nanoTime),
                    peers::beatAll,
                    heartbeatTimeout,
                    clock));
    this.statusView =
        new ServiceStatusView(
            self.value(),
            config,
            store,
            new ReplicationStatus(
                name(),
                config.pool(),
                pullLoop::lastApplied,
                pullLoop::transfer,
                localZfs,
                peers::statuses,
                clock),
            active,
            () -> settings,
            me::pullingBy,
            control::decision);
    this.claimView =
        new ServiceClaimView(
            name(),
            self.value(),
            store,
            poolHealth,
            () -> actionUnderWay() ? 0 : nanoTime.getAsLong() - control.lastProgress(),
            pullLoop::receiving);
  }

  public String name() {
    return config.name().value();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Applies settings an operator changed at run time. A new snapshot interval takes effect when the
   * current one expires, as does a new pull interval; the retention count at the next round.
   */
  public void changeSettings(Settings next) {
    Settings before = settings;
    settings = next;
    if (!before.snapshotInterval().equals(next.snapshotInterval())) {
      active.changeInterval(next.snapshotInterval());
    }
  }

  /** Registers the service (first start) and starts the pull schedule, disabled until a tick. */
  public void start() {
    ServiceState state = store.initialiseService(name(), config.preferredNode().value());
    log.info(
        "{}: recorded owner {} at epoch {}{}",
        name(),
        state.activeNode(),
        state.epoch(),
        state.lock().map(l -> ", sync locked: " + l.reason()).orElse(""));
    pullLoop.start();
    poolHealth.start();
  }

  /** One control step: decide from the stored record and the peer's view, then converge. */
  public synchronized void tick() {
    passiveHolds.noteReports();
    Decision before = control.decision();
    Decision applied = control.tick();
    pullLoop.leaveAFormerOwner();
    pacemaker.ifPresent(PacemakerInstance::report);
    // Reasons carry durations that change every tick; a new kind of decision is what is news.
    if (applied.getClass() != before.getClass()
        || (applied instanceof Decision.Follow f && !f.equals(before))) {
      log.info("{}: {}", name(), applied.describe());
    }
  }

  /** The owner of this node's record, as a promotion under Pacemaker asks it. */
  public io.zferry.service.operations.PacemakerPromotion.Owner recordOwner() {
    return peers.ownerCommands();
  }

  /** Whether Pacemaker decides who serves this service. */
  public boolean managedByPacemaker() {
    return pacemaker.isPresent();
  }

  /** This service's instance under Pacemaker; refused when zferry's own rules decide. */
  public PacemakerActions pacemaker() {
    PacemakerInstance instance =
        pacemaker.orElseThrow(
            () ->
                new io.zferry.service.operations.OperationException(
                    io.zferry.service.operations.OperationException.Kind.CONFLICT,
                    name()
                        + " is not managed by Pacemaker here: cluster.manager is zferry in this"
                        + " node's configuration"));
    return new PacemakerActions(instance, this::serialised);
  }

  private synchronized <T> T serialised(Supplier<T> action) {
    return holdingTheLoop(action);
  }

  /** When the next control step is due, the steps being {@code interval} apart normally. */
  public Duration nextStepIn(Duration interval) {
    return ControlCadence.nextStepIn(
        peers.followed().watch().apiSilentFor(), interval, heartbeatTimeout);
  }

  /** The monotonic time of this service's last completed control step. */
  @Override
  public long lastProgress() {
    return control.lastProgress();
  }

  /**
   * Runs an operator action that holds the control loop on purpose (a resync pulls for as long as
   * the data takes): counted as progress for systemd's watchdog and in the heartbeat, where a
   * control loop merely waiting for it must not look wedged. Called with the lock held: a request
   * still waiting for a wedged control step counts for nothing.
   */
  private <T> T holdingTheLoop(Supplier<T> action) {
    operatorActions.incrementAndGet();
    try {
      return action.get();
    } finally {
      operatorActions.decrementAndGet();
    }
  }

  /** Whether an operator action holds the control loop now (a switchover, a resync, ...). */
  @Override
  public boolean actionUnderWay() {
    return currentAction != null || operatorActions.get() > 0;
  }

  /** The multi-step action under way (a switchover), for a live view; empty when none runs. */
  public Optional<Steps> currentAction() {
    return Optional.ofNullable(currentAction);
  }

  /**
   * Switchover from this node (the active) to its peer, losing nothing (design §5 rule 6); the
   * steps and what each failure leads to are {@link Switchover}'s.
   */
  public synchronized ActionReport switchover(String actor, PeerCommands peer) {
    ServiceState local = store.serviceState(name()).orElseThrow();
    String to = peers.followed().name().value();
    SwitchoverCheck.require(self.value(), to, local, peerView(), side.runningActive());
    try {
      return new Switchover(side, store, clock, steps -> currentAction = steps)
          .run(local, to, actor, peer);
    } finally {
      currentAction = null;
    }
  }

  /**
   * The passive's part of a switchover: pull until the final snapshot is applied on every dataset.
   */
  public String catchUp(FinalSnapshot last) {
    return new CatchUp(
            self.value(),
            pullLoop::runNow,
            () -> localZfs.listSnapshots(pool()),
            () -> store.serviceState(name()).map(ServiceState::isLocked).orElse(true),
            nanoTime,
            () -> Sleep.quietly(Duration.ofSeconds(1)))
        .run(last);
  }

  /**
   * The passive's part of a switchover after the old active recorded it as owner: adopt that
   * record, then start as active (hooks, VIPs) before answering.
   */
  public synchronized String promote(long epoch, String actor) {
    String result = holdingTheLoop(() -> Promotion.run(side, store, epoch, actor));
    // The old active recorded the new epoch before it asked: its claim from the last heartbeat,
    // up to an interval old, still names it the owner at the old epoch, and the next control step
    // would hold and drop the VIPs just raised until the next heartbeat. Ask it now.
    peers.beatAll();
    return result;
  }

  /** {@code zferry failover SERVICE --force} on this node: see {@link ForceActive}. */
  public synchronized String forceActive(String actor) {
    return holdingTheLoop(() -> new ForceActive(side, store).run(actor));
  }

  /** mark-sync-as-fixed, from either node: see {@link MarkSyncAsFixed}. */
  public synchronized ActionReport markSyncAsFixed(
      Set<String> nodes, boolean discardIfNoRoom, String actor) {
    PeerChannel other = namedOther(nodes);
    MarkingSide marking =
        new MarkingSide(
            side, this, other.name().value(), () -> other.watch().view(name(), heartbeatTimeout));
    return holdingTheLoop(
        () ->
            new MarkSyncAsFixed(marking, store, clock)
                .run(nodes, discardIfNoRoom, actor, other.commands()));
  }

  /**
   * The other node mark-sync-as-fixed names: of two nodes, the peer (MarkSyncAsFixed says what is
   * wrong with the names); of more, the two of a takeover, this node one of them.
   */
  private PeerChannel namedOther(Set<String> nodes) {
    if (peers.all().size() == 1) {
      return peers.all().get(0);
    }
    java.util.List<String> others = nodes.stream().filter(n -> !n.equals(self.value())).toList();
    if (!nodes.contains(self.value()) || others.size() != 1) {
      throw new io.zferry.service.operations.OperationException(
          io.zferry.service.operations.OperationException.Kind.INVALID,
          "name "
              + self.value()
              + " and the node it took over from (or that took over from it), and run"
              + " mark-sync-as-fixed on one of the two");
    }
    return peers
        .of(others.get(0))
        .orElseThrow(
            () ->
                new io.zferry.service.operations.OperationException(
                    io.zferry.service.operations.OperationException.Kind.INVALID,
                    "'" + others.get(0) + "' is not a node of this cluster"));
  }

  /**
   * Whom the owner asks for the divergence report: a node whose record is locked (of two nodes, the
   * peer).
   */
  public io.zferry.service.operations.HttpPeerCommands divergentPeer() {
    return peers.locked().orElse(peers.followed()).commands();
  }

  /**
   * What this node holds after the last snapshot it shares with the owner: {@link DivergenceQuery}.
   */
  public DivergenceReport divergence() {
    return DivergenceQuery.run(
        store,
        name(),
        self.value(),
        peers.followed().name().value(),
        new DivergenceInspector(localZfs, peers.followed().zfs(), pool()));
  }

  /** The old active's half of mark-sync-as-fixed: see {@link Resync}. */
  public synchronized ResyncResult resync(Puller.Divergence how, String actor) {
    return holdingTheLoop(() -> new Resync(side, store, localZfs, pool(), clock).run(how, actor));
  }

  /** Clears this node's sync lock, if the record is still at {@code epoch}. */
  public synchronized String unlock(long epoch, String actor, String reason) {
    return SyncUnlock.run(store, name(), self.value(), epoch, actor, reason);
  }

  /** This node's claim on the service, for the peer's heartbeat: remembered values only. */
  public ServiceClaim claim() {
    return claimView.claim();
  }

  public ServiceStatus status() {
    return statusView.status();
  }

  private PeerView peerView() {
    return peers.followed().watch().view(name(), heartbeatTimeout);
  }

  private DatasetName pool() {
    return config.pool();
  }

  @Override
  public void close() {
    active.stopSnapshotRounds();
    pullLoop.close();
    poolHealth.close();
  }
}
