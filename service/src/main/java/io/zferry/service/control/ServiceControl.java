package io.zferry.service.control;

import io.zferry.lockstate.EpochConflictException;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.FailoverDecider;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.PeerView;
import io.zferry.service.failover.Situation;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The control step of one service on one node: read the stored record and the peer's view, let
 * {@link FailoverDecider} say what the rules allow, record any change of owner first (design §5
 * rule 1), then converge through {@link ControlPorts}. It holds what the step remembers between
 * ticks (the fence retry pause, the operator's confirmation, the last decision) and nothing that
 * must survive a restart: that is in the store.
 *
 * <p>Time-outs use the monotonic {@code nanoTime}: a wall clock stepped back by NTP must neither
 * stretch the fence retry pause nor shorten it.
 */
public final class ServiceControl {
  /** A failed fence command is retried no more often than this. */
  public static final Duration FENCE_RETRY_PAUSE = Duration.ofSeconds(30);

  private final String service;
  private final String self;
  private final Supplier<String> peer;
  private final FencingPolicy fencing;
  private final Duration heartbeatTimeout;
  private final StateStore store;
  private final ControlPorts ports;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Optional<LeaderLease> lease;

  private boolean fenceFailedBefore;
  private long nextFenceAttempt;
  private String lastFenceFailure = "";
  private boolean operatorConfirmed;

  /**
   * The epoch at which the peer was last seen claiming another owner than this node's record names,
   * or -1: a dispute only an operator settles, which a peer falling silent does not end.
   */
  private long disputedEpoch = -1;

  /** No step of this process serves now; see {@link #servedUnder}. */
  private static final long NOT_SERVING = -1;

  /**
   * The lease acquisition ({@link LeaderLease#acquisitions()}, 0 without a witness) under which the
   * last step served, or {@link #NOT_SERVING} since a step stopped serving.
   */
  private long servedUnder = NOT_SERVING;

  private volatile Decision decision = new Decision.Unchanged("the first tick");
  private volatile long lastProgress;

  /**
   * @param lease this node's hold on the service's leader key at the witness, if the cluster has
   *     one: then this node serves only while it holds the lease and takes over only after
   *     acquiring it (design §5 rule 8)
   */
  public ServiceControl(
      String service,
      String self,
      String peer,
      FencingPolicy fencing,
      Duration heartbeatTimeout,
      StateStore store,
      ControlPorts ports,
      Clock clock,
      LongSupplier nanoTime,
      Optional<LeaderLease> lease) {
    this(
        service, self, () -> peer, fencing, heartbeatTimeout, store, ports, clock, nanoTime, lease);
  }

  /**
   * @param peer the peer this step weighs: of more than two nodes, the one {@code FollowedPeer}
   *     chose for it
   */
  public ServiceControl(
      String service,
      String self,
      Supplier<String> peer,
      FencingPolicy fencing,
      Duration heartbeatTimeout,
      StateStore store,
      ControlPorts ports,
      Clock clock,
      LongSupplier nanoTime,
      Optional<LeaderLease> lease) {
    this.service = service;
    this.self = self;
    this.peer = peer;
    this.fencing = fencing;
    this.heartbeatTimeout = heartbeatTimeout;
    this.store = store;
    this.ports = ports;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.lease = lease;
    this.lastProgress = nanoTime.getAsLong();
  }

  /** One control step; returns what was done, with its reason. */
  public Decision tick() {
    ServiceState local = store.serviceState(service).orElseThrow();
    Decision next = decide(local);
    if (next instanceof Decision.AdoptPeer adopt) {
      local = adopt(adopt.peer());
      next = decide(local);
    }
    Optional<ServiceState> settled = settleEqualEpochsAsPromoted(local);
    if (settled.isPresent()) {
      local = settled.get();
      next = decide(local);
    }
    Decision applied = apply(next, local);
    if (stoppedServing(applied)) {
      lease.ifPresent(LeaderLease::steppedDown);
      servedUnder = NOT_SERVING;
    }
    decision = applied;
    lastProgress = nanoTime.getAsLong();
    return applied;
  }

  /** The monotonic time of the last completed control step, for systemd's watchdog. */
  public long lastProgress() {
    return lastProgress;
  }

  public Decision decision() {
    return decision;
  }

  /** An operator action decided what this node does now (switchover, promote, force). */
  public void decided(Decision operatorDecision) {
    decision = operatorDecision;
  }

  /** An operator forced or promoted this node: it stands in for the peer's confirmation. */
  public void confirmedByOperator() {
    operatorConfirmed = true;
  }

  /**
   * An operator forced this node active ({@code zferry failover --force}), and its record names it
   * now: it serves at once if it may, that is, with a witness, once it holds the leader lease
   * (forcing does not override the witness: the old owner may still serve under its lease in a
   * partition). Otherwise it holds, and a later step serves once the lease is granted.
   */
  public Decision serveForced() {
    confirmedByOperator();
    ServiceState local = store.serviceState(service).orElseThrow();
    decision = apply(new Decision.Serve(), local);
    return decision;
  }

  /**
   * A switchover hands the witness's leader key to the new owner before the record changes; empty
   * if handed over or the cluster has no witness, otherwise why not.
   */
  public Optional<String> handOverLease(String to) {
    return lease.flatMap(l -> l.handOver(to));
  }

  /**
   * Acquires the witness's leader key for this node (an operator's force); empty if held now or the
   * cluster has no witness, otherwise why not.
   */
  public Optional<String> acquireLease() {
    return lease.flatMap(LeaderLease::acquire);
  }

  private Decision decide(ServiceState local) {
    PeerView view = ports.peerView();
    if (view instanceof PeerView.Answering answering
        && answering.service().isPresent()
        && answering.service().get().epoch() == local.epoch()
        && !answering.service().get().activeNode().equals(local.activeNode())) {
      disputedEpoch = local.epoch();
    }
    boolean suspected =
        view instanceof PeerView.Silent silent
            && silent.hostSilentFor().compareTo(heartbeatTimeout) >= 0;
    Decision decided = decideByRules(local, view, suspected);
    if (decided instanceof Decision.Serve
        && local.epoch() == disputedEpoch
        && view instanceof PeerView.Silent) {
      // The peer claimed this epoch for itself and may serve it wherever it is now.
      return new Decision.Hold(
          "both nodes recorded epoch "
              + local.epoch()
              + " with different owners, and "
              + peer.get()
              + " fell silent before an operator chose; an operator must choose with `zferry"
              + " failover "
              + service
              + " --to NODE --force`");
    }
    return decided;
  }

  private Decision decideByRules(ServiceState local, PeerView view, boolean suspected) {
    return FailoverDecider.decide(
        new Situation(
            self,
            local,
            view,
            suspected ? ports.isolation() : Isolation.NOT_CHECKED,
            fencing,
            heartbeatTimeout,
            operatorConfirmed,
            ports.ownHealth(),
            ports.pacemakerIntent()));
  }

  /**
   * Records the peer's newer record. A node that served writes and is demoted by it sets the lock
   * (design §5 rule 7): what it accepted since the last snapshot the new owner holds exists only
   * here, and an unlocked pull would roll it back. Of more than two nodes (under Pacemaker), so
   * does a node whose own record named it the owner: it never releases the record by adopting (a
   * switchover or a Pacemaker hand-over changes its own record), so the newer epoch was taken over
   * from it, and the peer it adopts from may be a bystander that adopted the new owner's record
   * without its lock. There a node's own lock is kept, too: only mark-sync-as-fixed clears it (an
   * unlocked owner may have been promoted since, by a move). Of two nodes the peer's lock always
   * comes with such a record.
   */
  private ServiceState adopt(PeerView.PeerServiceState theirs) {
    boolean served = ports.servedWrites();
    ServiceState before = store.serviceState(service).orElseThrow();
    boolean several = ports.severalPeers();
    boolean owned = several && before.isActive(self);
    Optional<SyncLock> lock = several ? ports.peerLock().or(before::lock) : ports.peerLock();
    ServiceState adopted =
        store.adoptPeerState(service, theirs.activeNode(), theirs.epoch(), lock, peer.get());
    ports.recorded(adopted, "adopted the peer's record");
    if ((served || owned) && !adopted.isActive(self) && !adopted.isLocked()) {
      String reason =
          self
              + (served ? " served writes until " : " owned the record until ")
              + peer.get()
              + "'s epoch "
              + adopted.epoch()
              + " demoted it; what it accepted since the last common snapshot may exist only here";
      adopted =
          store.lockSync(
              service,
              adopted.epoch(),
              SyncLock.of(reason, clock.instant(), StateStore.SYSTEM_ACTOR));
      ports.recorded(adopted, reason);
    }
    return adopted;
  }

  /**
   * Under Pacemaker, two passives can take a service over at the same epoch: the first new owner is
   * lost before the third node heard its record, and Pacemaker promotes the third, which takes over
   * from the same old owner. Nothing would settle that dispute (failover --force is Pacemaker's
   * under it), and the promoted node would hold for ever. Pacemaker promoted this node with quorum,
   * after fencing or stopping the others, so its word decides: it records itself the owner at the
   * next epoch, locked, and the other node adopts that record, locked in turn (it owned the record:
   * what it accepted may exist only there, and the divergence report names it).
   */
  private Optional<ServiceState> settleEqualEpochsAsPromoted(ServiceState local) {
    if (!ports.severalPeers()
        || ports.pacemakerIntent().filter(i -> i == PacemakerIntent.PROMOTED).isEmpty()
        || !local.isActive(self)
        || !(ports.peerView() instanceof PeerView.Answering answering)
        || answering.service().isEmpty()) {
      return Optional.empty();
    }
    PeerView.PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() != local.epoch() || theirs.activeNode().equals(self)) {
      return Optional.empty();
    }
    String reason =
        "Pacemaker promoted "
            + self
            + " while "
            + theirs.activeNode()
            + " also recorded itself the owner at epoch "
            + local.epoch()
            + " (two takeovers from one owner); "
            + self
            + " records itself the owner at the next epoch";
    try {
      ServiceState owned =
          store.changeOwner(service, local.epoch(), self, StateStore.SYSTEM_ACTOR, reason, true);
      disputedEpoch = -1;
      ports.recorded(owned, reason);
      return Optional.of(owned);
    } catch (EpochConflictException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether this step told the ports to serve no longer, and they returned: VIPs down, writes
   * stopped or the pool left alone (Serve, TakeOver and Unchanged leave the node as it serves).
   */
  private static boolean stoppedServing(Decision applied) {
    return applied instanceof Decision.Follow
        || applied instanceof Decision.Hold
        || applied instanceof Decision.StandAside;
  }

  private Decision apply(Decision next, ServiceState local) {
    if (next instanceof Decision.Serve) {
      Optional<String> noLease = lease.flatMap(LeaderLease::keep);
      if (noLease.isPresent()) {
        ports.follow(false, true);
        return new Decision.Hold(
            self + " owns the record at epoch " + local.epoch() + ", but " + noLease.get());
      }
      long acquired = lease.map(LeaderLease::acquisitions).orElse(0L);
      if (servedUnder != NOT_SERVING && servedUnder != acquired) {
        // It served on, as far as the ports know, while its lease ran out and it acquired a new
        // one: the dead man's switch may have dropped the VIPs and stopped writes meanwhile. It
        // comes up again in full, as a new holder does, not with VIPs on a read-only pool.
        ports.follow(false, true);
      }
      ports.serve();
      servedUnder = acquired;
      if (lease.isPresent() && !lease.get().held()) {
        // This step outlived the lease (a zfs call hung in it): whatever it just brought up goes
        // down again before the peer can acquire the key.
        ports.follow(false, true);
        return new Decision.Hold(
            self
                + " owns the record at epoch "
                + local.epoch()
                + ", but its lease ran out while it served; it holds until it has the lease again");
      }
    } else if (next instanceof Decision.Follow follow) {
      lease.ifPresent(LeaderLease::drop);
      ports.follow(follow.pull(), false);
    } else if (next instanceof Decision.Hold) {
      lease.ifPresent(LeaderLease::drop);
      ports.follow(false, true);
    } else if (next instanceof Decision.StandAside standAside) {
      ports.standAside(standAside.reason());
    } else if (next instanceof Decision.TakeOver takeOver) {
      return takeOver(takeOver, local);
    }
    // Unchanged: leave everything as it is until the peer has had a chance to answer.
    return next;
  }

  private Decision takeOver(Decision.TakeOver takeOver, ServiceState local) {
    Optional<String> paused = takeOver.fenceFirst() ? fencePaused() : Optional.empty();
    if (paused.isPresent()) {
      // Not even the lease is asked for while the fence command waits to be retried.
      ports.follow(false, true);
      return new Decision.Hold(takeOver.reason() + ", but " + paused.get());
    }
    Optional<String> noLease = lease.flatMap(LeaderLease::acquire);
    if (noLease.isPresent()) {
      ports.follow(false, true);
      return new Decision.Hold(takeOver.reason() + ", but " + noLease.get() + "; no takeover");
    }
    if (takeOver.fenceFirst()) {
      Optional<String> fenceFailure = fence();
      if (fenceFailure.isPresent()) {
        lease.ifPresent(LeaderLease::drop);
        ports.follow(false, true);
        return new Decision.Hold(takeOver.reason() + ", but " + fenceFailure.get());
      }
    }
    if (!ports.stopPulling()) {
      lease.ifPresent(LeaderLease::drop);
      ports.follow(false, true);
      return new Decision.Hold(
          takeOver.reason() + ", but a pull cycle is still running; not taking over until it ends");
    }
    ServiceState owned;
    try {
      owned =
          store.changeOwner(
              service,
              local.epoch(),
              self,
              StateStore.SYSTEM_ACTOR,
              "automatic failover: " + takeOver.reason(),
              true);
    } catch (EpochConflictException e) {
      lease.ifPresent(LeaderLease::drop);
      return new Decision.Unchanged("the record changed meanwhile: " + e.getMessage());
    }
    ports.recorded(
        owned,
        "took over at epoch "
            + owned.epoch()
            + " ("
            + takeOver.reason()
            + "); sync is locked until an operator runs mark-sync-as-fixed");
    ports.rollBackToLastApplied();
    ports.serve();
    servedUnder = lease.map(LeaderLease::acquisitions).orElse(0L);
    return new Decision.Serve();
  }

  /** Why the fence command may not run yet (its last attempt failed within the pause), if so. */
  private Optional<String> fencePaused() {
    long now = nanoTime.getAsLong();
    if (fenceFailedBefore && now - nextFenceAttempt < 0) {
      long waitSeconds = Duration.ofNanos(nextFenceAttempt - now).toSeconds();
      return Optional.of(lastFenceFailure + "; next attempt in " + Math.max(1, waitSeconds) + " s");
    }
    return Optional.empty();
  }

  /** Runs the fence command, no more often than the retry pause; empty if it succeeded. */
  private Optional<String> fence() {
    Optional<String> paused = fencePaused();
    if (paused.isPresent()) {
      return paused;
    }
    long now = nanoTime.getAsLong();
    Optional<String> failure = ports.fencePeer();
    if (failure.isEmpty()) {
      fenceFailedBefore = false;
      return Optional.empty();
    }
    fenceFailedBefore = true;
    nextFenceAttempt = now + FENCE_RETRY_PAUSE.toNanos();
    lastFenceFailure = "fencing " + peer.get() + " failed (" + failure.get() + "), so no takeover";
    return Optional.of(lastFenceFailure);
  }
}
