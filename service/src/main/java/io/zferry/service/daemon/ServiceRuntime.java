package io.zferry.service.daemon;

import io.zferry.lockstate.EpochConflictException;
import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.actions.HookRunner;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import io.zferry.service.config.Vip;
import io.zferry.service.control.ForceRule;
import io.zferry.service.control.LeaderLease;
import io.zferry.service.control.ServiceControl;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.FailoverDecider;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.failover.PeerView;
import io.zferry.service.failover.PeerWatch;
import io.zferry.service.failover.VipControl;
import io.zferry.service.model.NodeName;
import io.zferry.service.operations.ActionReport;
import io.zferry.service.operations.CatchUp;
import io.zferry.service.operations.DivergenceInspector;
import io.zferry.service.operations.DivergenceReport;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.OperationException;
import io.zferry.service.operations.PeerCommands;
import io.zferry.service.operations.Promotion;
import io.zferry.service.operations.ResyncResult;
import io.zferry.service.operations.Steps;
import io.zferry.service.operations.Switchover;
import io.zferry.service.status.HeartbeatView.AppliedView;
import io.zferry.service.status.HeartbeatView.HealthView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.schedule.SnapshotScheduler;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clustered service on this node. Each tick it looks at its stored record and at the peer, lets
 * {@link FailoverDecider} say what the failover rules allow, and converges on it: on the active, a
 * writable pool, start hooks, VIPs and snapshot rounds; on the passive, a read-only pool and pull
 * cycles. Every change of owner is written to the state store before anything else is touched
 * (design §5 rule 1), so a restarted node resumes from its record.
 *
 * <p>It decides and orchestrates; the active's duties (snapshot rounds, hooks, VIPs) are {@link
 * ActiveDuties}, the passive's pull cycles are {@link PullLoop}, and what retention spares for the
 * passive is {@link PassiveHold}. Operator actions run here, synchronized with {@link #tick()}.
 */
public final class ServiceRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

  /**
   * Longer than an SSH connect time-out plus the missed keep-alives that declare a peer gone
   * (SshSettings), so a cycle stuck on the dead peer has ended by then.
   */
  private static final Duration FORCE_WAITS_FOR_CANCELLED_PULL = Duration.ofMinutes(2);

  private final NodeName self;
  private final NodeConfig peerNode;
  private final ServiceConfig config;
  private final StateStore store;
  private final Zfs localZfs;
  private final Zfs peerZfs;
  private final PeerClient peerClient;
  private final PeerWatch peerWatch;
  private final Duration heartbeatTimeout;
  private final ActiveDuties active;
  private final PassiveHold passiveHold;
  private final PullLoop pullLoop;
  private final ServiceExecutor executor;
  private final ServiceControl control;
  private final boolean witnessed;
  private final PoolHealthProbe poolHealth;
  private final Clock clock;
  private final LongSupplier nanoTime;

  private volatile Steps currentAction;
  private final AtomicInteger operatorActions = new AtomicInteger();
  // The configured settings with the operator's run-time changes (see changeSettings).
  private volatile Settings settings;

  public ServiceRuntime(
      NodeName self,
      NodeConfig peerNode,
      ServiceConfig config,
      StateStore store,
      Zfs localZfs,
      Zfs peerZfs,
      PeerClient peerClient,
      PeerWatch peerWatch,
      Supplier<Isolation> isolation,
      Duration heartbeatTimeout,
      VipControl vips,
      SnapshotScheduler scheduler,
      Clock clock,
      LongSupplier nanoTime,
      Optional<LeaderLease> lease) {
    this.self = self;
    this.peerNode = peerNode;
    this.config = config;
    this.store = store;
    this.localZfs = localZfs;
    this.peerZfs = peerZfs;
    this.peerClient = peerClient;
    this.peerWatch = peerWatch;
    this.heartbeatTimeout = heartbeatTimeout;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.settings = config.settings();
    this.passiveHold =
        new PassiveHold(
            name(),
            peerNode.name().value(),
            peerWatch,
            heartbeatTimeout,
            store,
            () -> settings.passiveHold(),
            nanoTime);
    this.active =
        new ActiveDuties(
            self, config, store, localZfs, vips, scheduler, () -> settings, passiveHold, clock);
    this.pullLoop =
        new PullLoop(
            name(),
            self,
            peerNode.name(),
            config.pool(),
            () -> settings,
            config.rawSends(),
            store,
            peerZfs,
            localZfs,
            clock);
    this.poolHealth =
        new PoolHealthProbe(
            name(), timeout -> localZfs.poolHealth(config.pool(), timeout), nanoTime);
    this.executor =
        new ServiceExecutor(
            self.value(),
            peerNode,
            config,
            store,
            localZfs,
            peerWatch,
            isolation,
            heartbeatTimeout,
            active,
            pullLoop,
            () -> poolHealth.health(Duration.ZERO));
    this.control =
        new ServiceControl(
            name(),
            self.value(),
            peerNode.name().value(),
            config.fencing(),
            heartbeatTimeout,
            store,
            executor,
            clock,
            nanoTime,
            lease);
    this.witnessed = lease.isPresent();
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
    passiveHold.noteReport();
    Decision before = control.decision();
    Decision applied = control.tick();
    // Reasons carry durations that change every tick; a new kind of decision is what is news.
    if (applied.getClass() != before.getClass()
        || (applied instanceof Decision.Follow f && !f.equals(before))) {
      log.info("{}: {}", name(), applied.describe());
    }
  }

  /** The monotonic time of this service's last completed control step. */
  public long lastProgress() {
    return control.lastProgress();
  }

  private Optional<ServiceStatus> serviceOf(NodeStatus status) {
    return status.services().stream().filter(s -> s.name().equals(name())).findFirst();
  }

  private void event(EventKind kind, String message) {
    store.recordEvent(kind, name(), self.value(), StateStore.SYSTEM_ACTOR, message);
  }

  // ---------------------------------------------------------------------------------------------
  // Operator actions. Each is synchronized with tick(), so the control loop never acts on a
  // half-done action.

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
    requireSwitchoverPossible(local);
    try {
      return new Switchover(new SwitchoverSide(), store, clock, steps -> currentAction = steps)
          .run(local, peerNode.name().value(), actor, peer);
    } finally {
      currentAction = null;
    }
  }

  /** This node's part in its switchover; called with the runtime's lock held. */
  private final class SwitchoverSide implements Switchover.Local {
    @Override
    public String service() {
      return name();
    }

    @Override
    public String self() {
      return self.value();
    }

    @Override
    public void vipsDown() {
      active.convergeVips(false);
    }

    @Override
    public String runStopHooks() {
      return active.runStopHooks();
    }

    @Override
    public void stopWrites() {
      active.stopSnapshotRounds();
      List<String> problems = executor.setReadOnly(true);
      if (!problems.isEmpty()) {
        throw new OperationException(
            OperationException.Kind.FAILED,
            "could not make " + pool() + " read-only: " + String.join("; ", problems));
      }
    }

    @Override
    public FinalSnapshot finalSnapshot() {
      return active.finalSnapshot();
    }

    @Override
    public boolean hasWitness() {
      return witnessed;
    }

    @Override
    public void handOverLease(String to) {
      control
          .handOverLease(to)
          .ifPresent(
              why -> {
                throw new OperationException(OperationException.Kind.FAILED, why);
              });
    }

    @Override
    public void restoreActive() {
      ServiceRuntime.this.restoreActive();
    }

    @Override
    public void stepDown() {
      executor.mode(ServiceExecutor.Mode.PASSIVE);
    }

    @Override
    public void followPeer() {
      pullLoop.enable(true);
      control.decided(new Decision.Follow(true));
    }

    @Override
    public void holdUnresolved(String reason) {
      executor.follow(false, true);
      control.decided(new Decision.Hold(reason));
    }
  }

  private void requireSwitchoverPossible(ServiceState local) {
    if (!local.isActive(self.value())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          name()
              + " is not active on "
              + self.value()
              + "; ask its active node, "
              + local.activeNode());
    }
    if (local.isLocked()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "the sync of "
              + name()
              + " is locked since a failover; resolve it with mark-sync-as-fixed before switching over");
    }
    PeerView peer = peerWatch.view(name(), heartbeatTimeout);
    if (!(peer instanceof PeerView.Answering answering) || answering.service().isEmpty()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          peerNode.name().value()
              + " does not answer; a switchover needs both nodes (if it is down, it is not a"
              + " switchover: see `zferry failover --force` on it when it is back)");
    }
    PeerView.PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() != local.epoch()
        || !theirs.activeNode().equals(self.value())
        || theirs.locked()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          peerNode.name().value()
              + " does not agree on "
              + name()
              + " yet (its record: owner "
              + theirs.activeNode()
              + ", epoch "
              + theirs.epoch()
              + "); try again in a few seconds");
    }
    if (executor.mode() != ServiceExecutor.Mode.ACTIVE) {
      throw new OperationException(
          OperationException.Kind.CONFLICT, name() + " is not running as active here yet");
    }
  }

  /** Back to serving as before an interrupted switchover. */
  private void restoreActive() {
    executor.mode(ServiceExecutor.Mode.STARTING);
    control.decided(new Decision.Serve());
    executor.serve();
  }

  private ActionReport report(Steps steps, boolean ok, String summary) {
    ActionReport report =
        new ActionReport(steps.action(), ok, steps.elapsed().toMillis(), steps.done(), summary);
    if (!ok) {
      event(EventKind.OPERATOR_ACTION, summary);
    }
    return report;
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
    return holdingTheLoop(() -> promoteHeld(epoch, actor));
  }

  private String promoteHeld(long epoch, String actor) {
    return Promotion.run(new PromotedSide(), store, epoch, actor);
  }

  /** This node's part in being promoted; called with the runtime's lock held. */
  private final class PromotedSide implements Promotion.Local {
    @Override
    public String service() {
      return name();
    }

    @Override
    public String self() {
      return self.value();
    }

    @Override
    public String peer() {
      return peerNode.name().value();
    }

    @Override
    public void serve() {
      control.confirmedByOperator();
      control.decided(new Decision.Serve());
      executor.serve();
    }

    @Override
    public Optional<String> startProblem() {
      if (!active.mountProblems().isEmpty()) {
        return Optional.of(
            "the pool is not mounted on "
                + self.value()
                + ": "
                + String.join("; ", active.mountProblems()));
      }
      if (!active.startHooksDone()) {
        return Optional.of(
            "start hooks failed on "
                + self.value()
                + ": "
                + active.lastHooks().map(HookRunner.PhaseResult::summary).orElse("unknown"));
      }
      return Optional.empty();
    }

    @Override
    public void stepBack(String reason) {
      executor.follow(false, true);
      control.decided(new Decision.Hold(reason));
    }
  }

  /**
   * {@code zferry failover SERVICE --force} on this node: become active without the peer's consent,
   * for when the operator knows the peer is down (manual policy, or a node restarted alone). Locks
   * the sync, as after an automatic failover: the peer may hold writes this node lacks.
   */
  public synchronized String forceActive(String actor) {
    return holdingTheLoop(() -> forceActiveHeld(actor));
  }

  private String forceActiveHeld(String actor) {
    PeerView peer = peerWatch.view(name(), heartbeatTimeout);
    ServiceState local = store.serviceState(name()).orElseThrow();
    Optional<String> refusal =
        ForceRule.refusal(self.value(), peerNode.name().value(), local, peer);
    if (refusal.isPresent()) {
      throw new OperationException(OperationException.Kind.CONFLICT, refusal.get());
    }
    // The operator forces because the peer is gone, so a pull cycle may still be waiting on it:
    // it ends once its SSH connection times out, and nothing is taken over before it has.
    if (!pullLoop.stopAndWait(FORCE_WAITS_FOR_CANCELLED_PULL)) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "a cancelled pull cycle of "
              + name()
              + " is still running on "
              + self.value()
              + " after "
              + DurationText.format(FORCE_WAITS_FOR_CANCELLED_PULL)
              + " (a hung zfs or ssh?); see its log, then try again");
    }
    ServiceState owned =
        store.changeOwner(
            name(),
            local.epoch(),
            self.value(),
            actor,
            "forced by "
                + actor
                + (peer instanceof PeerView.Answering
                    ? " to settle equal epochs with different owners"
                    : " while " + peerNode.name().value() + " did not answer"),
            true);
    if (executor.mode() != ServiceExecutor.Mode.ACTIVE
        && ForceRule.rollsBack(self.value(), local)) {
      executor.rollBackToLastApplied();
    }
    Decision serving = control.serveForced();
    if (!(serving instanceof Decision.Serve)) {
      return self.value()
          + " owns "
          + name()
          + " at epoch "
          + owned.epoch()
          + " (sync locked), and serves once it may: "
          + serving.describe();
    }
    return self.value()
        + " is active for "
        + name()
        + " at epoch "
        + owned.epoch()
        + "; sync is locked";
  }

  /**
   * mark-sync-as-fixed, from either node: the old active (the node that is not the owner) keeps
   * what it holds after the last common snapshot aside, rolls back and pulls; then the lock is
   * cleared on both nodes and replication resumes from the owner.
   */
  public synchronized ActionReport markSyncAsFixed(
      java.util.Set<String> nodes, boolean discardIfNoRoom, String actor, PeerCommands peer) {
    return holdingTheLoop(() -> markSyncAsFixedHeld(nodes, discardIfNoRoom, actor, peer));
  }

  private ActionReport markSyncAsFixedHeld(
      java.util.Set<String> nodes, boolean discardIfNoRoom, String actor, PeerCommands peer) {
    java.util.Set<String> cluster = java.util.Set.of(self.value(), peerNode.name().value());
    for (String node : nodes) {
      if (!cluster.contains(node)) {
        throw new OperationException(
            OperationException.Kind.INVALID,
            "'"
                + node
                + "' is not a node of this cluster; name both nodes: "
                + String.join(" ", cluster));
      }
    }
    if (!nodes.equals(cluster)) {
      throw new OperationException(
          OperationException.Kind.INVALID,
          "name both nodes of the cluster: " + String.join(" ", cluster));
    }
    ServiceState local = store.serviceState(name()).orElseThrow();
    PeerView view = peerWatch.view(name(), heartbeatTimeout);
    if (!(view instanceof PeerView.Answering answering) || answering.service().isEmpty()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          peerNode.name().value() + " does not answer; mark-sync-as-fixed needs both nodes up");
    }
    PeerView.PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() != local.epoch() || !theirs.activeNode().equals(local.activeNode())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "the nodes do not agree on "
              + name()
              + " yet (here: owner "
              + local.activeNode()
              + " at epoch "
              + local.epoch()
              + "; "
              + peerNode.name().value()
              + ": owner "
              + theirs.activeNode()
              + " at epoch "
              + theirs.epoch()
              + "); try again in a few seconds");
    }
    if (!local.isLocked() && !theirs.locked()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "the sync of " + name() + " is not locked; nothing to fix");
    }
    Puller.Divergence how =
        discardIfNoRoom
            ? Puller.Divergence.DISCARD_AND_RESYNC
            : Puller.Divergence.KEEP_ASIDE_AND_RESYNC;
    Steps steps = new Steps("mark-sync-as-fixed of " + name(), clock, s -> {});
    boolean ownerHere = local.isActive(self.value());
    String oldSide = ownerHere ? peerNode.name().value() : self.value();
    ResyncResult resync =
        steps.run(
            oldSide + " keeps its divergent data aside, rolls back and pulls",
            () -> ownerHere ? peer.resync(name(), how, actor) : resync(how, actor));
    String reason = "mark-sync-as-fixed by " + actor + ": " + describe(resync);
    steps.run(
        "unlock " + local.activeNode(),
        () ->
            ownerHere
                ? unlock(local.epoch(), actor, reason)
                : peer.unlock(name(), local.epoch(), actor, reason));
    ActionReport report = report(steps, true, describe(resync));
    event(EventKind.OPERATOR_ACTION, reason);
    return report;
  }

  private static String describe(ResyncResult resync) {
    String kept =
        resync.keptAside().isEmpty()
            ? "nothing diverged on " + resync.node()
            : resync.node()
                + "'s data after the last common snapshot is kept as "
                + String.join(", ", resync.keptAside())
                + " on "
                + resync.node();
    return kept + (resync.notes().isEmpty() ? "" : "; " + String.join("; ", resync.notes()));
  }

  /**
   * What this node holds after the last snapshot it shares with the owner; only the node that is
   * not the owner can diverge (the owner's newer data is what replication brings over).
   */
  public DivergenceReport divergence() {
    ServiceState local = store.serviceState(name()).orElseThrow();
    if (local.isActive(self.value())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          self.value() + " owns " + name() + "; ask " + peerNode.name().value());
    }
    return new DivergenceInspector(localZfs, peerZfs, pool())
        .inspect(self.value(), local.activeNode());
  }

  /** The old active's half of mark-sync-as-fixed. */
  public synchronized ResyncResult resync(Puller.Divergence how, String actor) {
    return holdingTheLoop(() -> resyncHeld(how, actor));
  }

  private ResyncResult resyncHeld(Puller.Divergence how, String actor) {
    ServiceState local = store.serviceState(name()).orElseThrow();
    if (local.isActive(self.value())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          self.value() + " owns " + name() + "; the node to resync is the other one");
    }
    // Writes never snapshotted would be rolled back unseen: a snapshot now makes them part of the
    // divergence, so they are kept aside with the rest.
    localZfs.snapshot(pool(), SnapshotNaming.rescueNameAt(clock.instant()), true);
    Optional<PullReport> attempt = pullLoop.resolveDivergence(how);
    if (attempt.isEmpty() || (!attempt.get().succeeded() && !attempt.get().diverged())) {
      // A connection that failed at a bad moment: what was done so far (the copy aside, the
      // rollback) is not done again, the next cycle starts from where the first one stopped.
      log.warn(
          "{}: resync from {} failed once, trying again: {}",
          name(),
          peerNode.name().value(),
          attempt.map(PullReport::summary).orElse("the cycle did not run"));
      Sleep.quietly(Duration.ofSeconds(2));
      attempt = pullLoop.resolveDivergence(how);
    }
    PullReport report =
        attempt.orElseThrow(
            () ->
                new OperationException(
                    OperationException.Kind.FAILED,
                    "the pull from "
                        + peerNode.name().value()
                        + " failed; see `zferry status` on "
                        + self.value()));
    if (report.diverged() || !report.succeeded()) {
      throw new OperationException(
          OperationException.Kind.FAILED,
          "the sync stays locked: "
              + report.summary()
              + report.notes().stream().map(n -> "; " + n).reduce("", String::concat)
              + (report.diverged() && how != Puller.Divergence.DISCARD_AND_RESYNC
                  ? "; to roll back without keeping a copy, add --discard-divergent"
                  : ""));
    }
    unlock(local.epoch(), actor, "mark-sync-as-fixed by " + actor);
    return new ResyncResult(
        self.value(),
        report.setAside().stream().map(this::describeCopy).toList(),
        report.notes(),
        report.summary());
  }

  private String describeCopy(DatasetName copy) {
    return copy.value()
        + localZfs
            .getProperty(copy, PropertyName.of("mountpoint"))
            .filter(m -> m.startsWith("/"))
            .map(m -> " (mounted at " + m + ")")
            .orElse("");
  }

  /** Clears this node's sync lock, if the record is still at {@code epoch}. */
  public synchronized String unlock(long epoch, String actor, String reason) {
    try {
      store.unlockSync(name(), epoch, actor, reason);
    } catch (EpochConflictException e) {
      throw new OperationException(OperationException.Kind.CONFLICT, e.getMessage(), e);
    }
    return "unlocked on " + self.value();
  }

  /** This node's claim on the service, for the peer's heartbeat: the state store only. */
  public ServiceClaim claim() {
    ServiceState state = store.serviceState(name()).orElseThrow();
    return new ServiceClaim(
        name(),
        state.activeNode(),
        state.epoch(),
        state.lock().map(StatusMapping::lock).orElse(null),
        store
            .lastApplied(name(), self.value())
            .map(a -> new AppliedView(a.snapshotName(), a.guid()))
            .orElse(null),
        health());
  }

  /** This node's pool and control loop for the peer's heartbeat: remembered values only. */
  private HealthView health() {
    long idle = actionUnderWay() ? 0 : nanoTime.getAsLong() - control.lastProgress();
    NodeHealth health = poolHealth.health(Duration.ofNanos(Math.max(0, idle)));
    return new HealthView(
        health.poolState(),
        health.zfsUnansweredFor().toSeconds(),
        health.controlIdleFor().toSeconds());
  }

  public ServiceStatus status() {
    ServiceState state = store.serviceState(name()).orElseThrow();
    Role role = state.isActive(self.value()) ? Role.ACTIVE : Role.PASSIVE;
    Settings settings = this.settings;
    Optional<Snapshot> newestLocal = newestLocal();
    Long lag;
    SnapshotView applied;
    if (role == Role.PASSIVE) {
      // What this node applied: known from the last pull, or after a restart its newest snapshot.
      Optional<Snapshot> lastApplied = pullLoop.lastApplied();
      Optional<Snapshot> appliedHere = lastApplied.isPresent() ? lastApplied : newestLocal;
      lag =
          appliedHere
              .map(s -> Duration.between(s.creation(), clock.instant()).toSeconds())
              .orElse(null);
      applied = appliedHere.map(StatusMapping::snapshot).orElse(null);
    } else {
      // The active knows the passive's progress from the passive's own status.
      // Asked now (cached briefly): nothing else keeps the passive's full status fresh.
      Optional<ServiceStatus> peerView = peerClient.status().flatMap(this::serviceOf);
      lag = peerView.map(ServiceStatus::lagSeconds).orElse(null);
      applied = peerView.map(ServiceStatus::lastAppliedSnapshot).orElse(null);
    }
    return new ServiceStatus(
        name(),
        pool().value(),
        state.activeNode(),
        role.json(),
        state.epoch(),
        state.lock().isPresent(),
        lag,
        applied,
        newestLocal.map(StatusMapping::snapshot).orElse(null),
        config.vips().stream().map(Vip::cidr).toList(),
        pullLoop.transfer().map(StatusMapping::transfer).orElse(null),
        lastRun().orElse(null),
        role == Role.ACTIVE ? active.nextSnapshotRound().map(Instant::toString).orElse(null) : null,
        new SettingsView(
            DurationText.format(settings.snapshotInterval()),
            settings.retentionCount(),
            DurationText.format(settings.pullInterval()),
            DurationText.format(settings.rollbackWindow())),
        control.decision().describe(),
        state.lock().map(StatusMapping::lock).orElse(null),
        active.vipsHeld(),
        active.vipProblems(),
        active.lastHooks().map(StatusMapping::hooks).orElse(null));
  }

  private Optional<Snapshot> newestLocal() {
    try {
      List<Snapshot> root =
          localZfs.listSnapshots(pool()).snapshots().stream()
              .filter(s -> s.dataset().equals(pool()))
              .toList();
      return root.isEmpty() ? Optional.empty() : Optional.of(root.get(root.size() - 1));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<RunView> lastRun() {
    return store.recentRuns(name(), 1).stream().findFirst().map(StatusMapping::run);
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
