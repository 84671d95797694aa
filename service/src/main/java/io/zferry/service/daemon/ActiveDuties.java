package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.StateStore;
import io.zferry.service.actions.HookRunner;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import io.zferry.service.failover.VipControl;
import io.zferry.service.model.NodeName;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.OperationException;
import io.zferry.snapshot.schedule.RetentionPolicy;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.schedule.SnapshotRound;
import io.zferry.snapshot.schedule.SnapshotScheduler;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Remount;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.snapshot.zfs.ZfsCommandException;
import io.zferry.sync.pull.Puller;
import io.zferry.vip.AddressProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the active node does for a service, and undoes when it steps down: snapshot rounds, start
 * and stop hooks, and the VIPs, which stay down while the start hooks have not succeeded. The
 * caller ({@link ServiceRuntime}) decides when; this class only knows how, and is used from the
 * runtime's synchronized control steps only.
 */
final class ActiveDuties {
  private static final Logger log = LoggerFactory.getLogger(ActiveDuties.class);

  /** Clients wait for the VIPs while start hooks fail, so those are retried sooner. */
  private static final Duration START_HOOK_RETRY_PAUSE = Duration.ofSeconds(5);

  private final NodeName self;
  private final ServiceConfig config;
  private final StateStore store;
  private final Zfs localZfs;
  private final VipControl vips;
  private final HookRunner hooks;
  private final SnapshotScheduler scheduler;
  private final PassiveHolds passiveHold;
  private final java.util.function.Supplier<Settings> settings;
  private final Clock clock;

  private boolean startHooksDone;
  private boolean snapshotRoundsStarted;
  private Instant nextStartHookAttempt = Instant.EPOCH;
  // How the VIPs are probed when they first come up after becoming active (see begin).
  private AddressProbe firstProbe = AddressProbe.FULL;
  private volatile List<String> vipProblems = List.of();
  private volatile List<String> mountProblems = List.of();
  private volatile List<SnapshotName> keptForTransfer = List.of();

  ActiveDuties(
      NodeName self,
      ServiceConfig config,
      StateStore store,
      Zfs localZfs,
      VipControl vips,
      SnapshotScheduler scheduler,
      java.util.function.Supplier<Settings> settings,
      PassiveHolds passiveHold,
      Clock clock) {
    this.self = self;
    this.config = config;
    this.store = store;
    this.localZfs = localZfs;
    this.vips = vips;
    this.hooks = new HookRunner(config, self, clock);
    this.scheduler = scheduler;
    this.settings = settings;
    this.passiveHold = passiveHold;
    this.clock = clock;
  }

  /**
   * Becoming active: snapshot rounds, start hooks and VIPs follow in {@link #keepServing}. {@code
   * firstProbe} is {@link AddressProbe#SHORT} when the peer cannot hold the VIPs (fenced for a
   * takeover, or it took them down in a switchover), so they come up after a short probe.
   */
  void begin(AddressProbe firstProbe) {
    this.firstProbe = firstProbe;
    startHooksDone = false;
    snapshotRoundsStarted = false;
    mountProblems = List.of();
    nextStartHookAttempt = Instant.EPOCH;
  }

  /**
   * Each control step while active: the pool mounted, then snapshot rounds and start hooks until
   * they succeed, then the VIPs. Snapshots wait for the mount too: a node that cannot mount its
   * pool gives the service back, and snapshots it took meanwhile would stand on it as its own,
   * after the last common one, and stop its replication as a divergence.
   */
  void keepServing() {
    if ((!startHooksDone || !snapshotRoundsStarted)
        && !clock.instant().isBefore(nextStartHookAttempt)
        && poolMounted()) {
      if (!snapshotRoundsStarted) {
        startSnapshotRounds();
        snapshotRoundsStarted = true;
      }
      if (!startHooksDone) {
        runStartHooks();
      }
    }
    // Clients must not reach a service whose start hooks failed.
    convergeVips(startHooksDone);
  }

  private void runStartHooks() {
    HookRunner.PhaseResult result = hooks.run(HookRunner.Phase.START);
    startHooksDone = result.succeeded();
    if (!startHooksDone) {
      nextStartHookAttempt = clock.instant().plus(START_HOOK_RETRY_PAUSE);
      event(EventKind.OPERATOR_ACTION, result.summary() + "; VIPs stay down until it succeeds");
    } else if (!result.runs().isEmpty()) {
      event(EventKind.OPERATOR_ACTION, result.summary());
    }
  }

  boolean startHooksDone() {
    return startHooksDone;
  }

  /**
   * Whether the pool is mounted, mounting what is not. Start hooks and VIPs wait for it: clients
   * (an NFS export, a database) would otherwise write into the bare mountpoint directory, out of
   * the pool and its replication, and zfs-fuse would then refuse to mount over that directory.
   */
  private boolean poolMounted() {
    List<String> problems;
    try {
      problems =
          Remount.ensureMounted(localZfs, pool(), dataset -> Puller.isSetAside(dataset.dataset()));
    } catch (RuntimeException e) {
      problems = List.of("could not check that " + pool() + " is mounted: " + e.getMessage());
    }
    if (problems.equals(mountProblems)) {
      if (!problems.isEmpty()) {
        nextStartHookAttempt = clock.instant().plus(START_HOOK_RETRY_PAUSE);
      }
      return problems.isEmpty();
    }
    mountProblems = List.copyOf(problems);
    if (problems.isEmpty()) {
      event(EventKind.OPERATOR_ACTION, pool() + " is mounted; start hooks and VIPs follow");
      return true;
    }
    nextStartHookAttempt = clock.instant().plus(START_HOOK_RETRY_PAUSE);
    problems.forEach(p -> log.error("{}: {}", name(), p));
    event(
        EventKind.OPERATOR_ACTION,
        String.join("; ", problems) + "; start hooks and VIPs wait until it is mounted");
    return false;
  }

  /** Why the pool is not served although this node is active; empty when it is mounted. */
  List<String> mountProblems() {
    return mountProblems;
  }

  /** Stepping down: VIPs first, then stop hooks, then no more snapshots. */
  void relinquish() {
    convergeVips(false);
    if (startHooksDone) {
      HookRunner.PhaseResult stop = hooks.run(HookRunner.Phase.STOP);
      event(EventKind.OPERATOR_ACTION, stop.summary());
    }
    startHooksDone = false;
    firstProbe = AddressProbe.FULL;
    stopSnapshotRounds();
    event(EventKind.ROLE_CHANGE, "no longer the active node");
  }

  /** A switchover's stop hooks: a failure is an error, so the switchover stops there. */
  String runStopHooks() {
    HookRunner.PhaseResult stop = hooks.run(HookRunner.Phase.STOP);
    if (!stop.succeeded()) {
      throw new OperationException(OperationException.Kind.FAILED, stop.summary());
    }
    startHooksDone = false;
    return stop.summary();
  }

  Optional<HookRunner.PhaseResult> lastHooks() {
    return hooks.last();
  }

  /** VIPs up ({@code hold}) or down here, as they should be; reports what changed. */
  void convergeVips(boolean hold) {
    VipControl.Result result = vips.converge(hold, hold ? firstProbe : AddressProbe.FULL);
    if (hold && result.problems().isEmpty()) {
      // Up now: a VIP that goes missing later is someone else's doing and gets the full probe.
      firstProbe = AddressProbe.FULL;
    }
    result.added().forEach(vip -> event(EventKind.VIP_UP, vip + " up on " + self.value()));
    result.removed().forEach(vip -> event(EventKind.VIP_DOWN, vip + " down on " + self.value()));
    List<String> problems = result.problems();
    if (!problems.isEmpty() && !problems.equals(vipProblems)) {
      problems.forEach(p -> log.error("{}: {}", name(), p));
    }
    vipProblems = problems;
  }

  /** The VIPs' problems, led by the reason they are held down, if the pool is not mounted. */
  List<String> vipProblems() {
    List<String> mount = mountProblems;
    if (mount.isEmpty()) {
      return vipProblems;
    }
    List<String> all = new java.util.ArrayList<>(mount);
    all.addAll(vipProblems);
    return List.copyOf(all);
  }

  List<String> vipsHeld() {
    return vips.held();
  }

  Optional<Instant> nextSnapshotRound() {
    return scheduler.nextRound(name());
  }

  void stopSnapshotRounds() {
    scheduler.unschedule(name());
    keptForTransfer = List.of();
  }

  /**
   * The snapshots the latest round kept beyond the retention count because the passive reports its
   * transfer needs them.
   */
  List<SnapshotName> keptForTransfer() {
    return keptForTransfer;
  }

  /**
   * A snapshot taken now, after writes stopped. It is always a new one: a scheduled snapshot of the
   * same second may lack writes made later in that second, so a taken name gets a suffix.
   */
  FinalSnapshot finalSnapshot() {
    SnapshotName name;
    try {
      name = SnapshotRound.takeNewSnapshot(localZfs, pool(), clock.instant());
    } catch (ZfsCommandException e) {
      if (e.reason() != ZfsCommandException.Reason.ALREADY_EXISTS) {
        throw e;
      }
      throw new OperationException(
          OperationException.Kind.FAILED,
          "every snapshot name for this second already exists on "
              + self.value()
              + "; check its clock, it may have stepped back");
    }
    return FinalSnapshot.of(name, localZfs.listSnapshots(pool()));
  }

  private void startSnapshotRounds() {
    SnapshotRound round =
        SnapshotRound.forPassives(
                localZfs,
                pool(),
                clock,
                () -> new RetentionPolicy(this.settings.get().retentionCount()),
                passiveHold::spared)
            // The passive's hold bounds what is kept for its transfers too: a snapshot older
            // than the hold is no longer kept, however long the passive goes on reporting it.
            .sparingTransfers(passiveHold::receiving, () -> this.settings.get().passiveHold());
    Settings settings = this.settings.get();
    scheduler.schedule(
        name(),
        settings.snapshotInterval(),
        firstRoundDelay(settings),
        () -> {
          SnapshotRound.Result result = round.run();
          result.taken().ifPresent(s -> event(EventKind.SNAPSHOT, "took " + s));
          keptForTransfer = result.keptForTransfer();
          result
              .foundHeld()
              .forEach(held -> event(EventKind.SNAPSHOT, SnapshotRound.keptWhileHeld(held)));
          for (SnapshotName released : result.releasedPastLimit()) {
            event(
                EventKind.REPLICATION_ERROR,
                "retention destroyed "
                    + released
                    + " although the passive reports its transfer needs it: it is older than passiveHold ("
                    + DurationText.format(this.settings.get().passiveHold())
                    + "); that transfer starts over");
          }
        });
  }

  /** Keeps the cadence across restarts: the next round is due an interval after the newest one. */
  private Duration firstRoundDelay(Settings settings) {
    try {
      Optional<Instant> newest =
          localZfs.listSnapshots(pool()).snapshots().stream()
              .filter(s -> s.dataset().equals(pool()))
              .map(s -> SnapshotNaming.timestampOf(s.name()))
              .flatMap(Optional::stream)
              .max(Comparator.naturalOrder());
      if (newest.isEmpty()) {
        return Duration.ZERO;
      }
      Duration due =
          Duration.between(clock.instant(), newest.get().plus(settings.snapshotInterval()));
      if (due.compareTo(settings.snapshotInterval()) > 0) {
        // The newest name lies in the future: the clock stepped back since. Keep the interval.
        return settings.snapshotInterval();
      }
      return due.isNegative() ? Duration.ZERO : due;
    } catch (RuntimeException e) {
      log.warn(
          "{}: could not list snapshots to schedule the first round: {}", name(), e.getMessage());
      return Duration.ZERO;
    }
  }

  /** A new snapshot interval applies when the current one expires; none if no rounds run. */
  void changeInterval(Duration interval) {
    if (scheduler.nextRound(name()).isPresent()) {
      scheduler.changeInterval(name(), interval);
    }
  }

  private String name() {
    return config.name().value();
  }

  private DatasetName pool() {
    return config.pool();
  }

  private void event(EventKind kind, String message) {
    store.recordEvent(kind, name(), self.value(), StateStore.SYSTEM_ACTOR, message);
  }
}
