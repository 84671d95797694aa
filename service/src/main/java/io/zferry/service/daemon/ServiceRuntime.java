package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.RunResult;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Settings;
import io.zferry.service.config.Vip;
import io.zferry.service.model.NodeName;
import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.service.status.StatusViews.TransferView;
import io.zferry.snapshot.schedule.RetentionPolicy;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.schedule.SnapshotRound;
import io.zferry.snapshot.schedule.SnapshotScheduler;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.pull.TransferActivity;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clustered service on this node: on the active, snapshot rounds; on the passive, pull cycles.
 * The role comes from the state store (the owner recorded there), never from the config alone, so a
 * restarted node resumes the role it had.
 */
public final class ServiceRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

  private final NodeName self;
  private final NodeName peer;
  private final ServiceConfig config;
  private final StateStore store;
  private final Zfs localZfs;
  private final Zfs peerZfs;
  private final PeerClient peerClient;
  private final SnapshotScheduler scheduler;
  private final Clock clock;
  private final ScheduledExecutorService pullThread;

  private volatile Role role;
  private volatile Optional<TransferActivity> transfer = Optional.empty();
  private volatile Optional<Snapshot> lastApplied = Optional.empty();

  public ServiceRuntime(
      NodeName self,
      NodeName peer,
      ServiceConfig config,
      StateStore store,
      Zfs localZfs,
      Zfs peerZfs,
      PeerClient peerClient,
      SnapshotScheduler scheduler,
      Clock clock) {
    this.self = self;
    this.peer = peer;
    this.config = config;
    this.store = store;
    this.localZfs = localZfs;
    this.peerZfs = peerZfs;
    this.peerClient = peerClient;
    this.scheduler = scheduler;
    this.clock = clock;
    this.pullThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "pull-" + config.name().value());
              thread.setDaemon(true);
              return thread;
            });
  }

  public String name() {
    return config.name().value();
  }

  /** Reads the recorded owner and starts what this node's role needs. */
  public void start() {
    ServiceState state = store.initialiseService(name(), config.preferredNode().value());
    role = state.activeNode().equals(self.value()) ? Role.ACTIVE : Role.PASSIVE;
    log.info("{}: {} (owner {}, epoch {})", name(), role.json(), state.activeNode(), state.epoch());
    if (role == Role.ACTIVE) {
      startSnapshotEngine();
    } else {
      store
          .lastApplied(name(), self.value())
          .ifPresent(a -> log.info("{}: last applied {} ({})", name(), a.snapshotName(), a.guid()));
      Duration interval = config.settings().pullInterval();
      pullThread.scheduleWithFixedDelay(
          this::pullCycle, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
      log.info("{}: pulling from {} every {}", name(), peer.value(), DurationText.format(interval));
    }
  }

  private void startSnapshotEngine() {
    Settings settings = config.settings();
    SnapshotRound round =
        new SnapshotRound(
            localZfs,
            pool(),
            clock,
            () -> new RetentionPolicy(config.settings().retentionCount()),
            this::passiveApplied);
    scheduler.schedule(
        name(),
        settings.snapshotInterval(),
        firstRoundDelay(settings),
        () -> {
          SnapshotRound.Result result = round.run();
          result.taken().ifPresent(s -> event(EventKind.SNAPSHOT, "took " + s));
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
      return due.isNegative() ? Duration.ZERO : due;
    } catch (RuntimeException e) {
      log.warn(
          "{}: could not list snapshots to schedule the first round: {}", name(), e.getMessage());
      return Duration.ZERO;
    }
  }

  /**
   * The GUID the passive reported as applied: asked from the peer now and remembered in the state
   * store, so retention spares it while the peer is down, for at most {@code passiveHold} after the
   * peer last reported it.
   */
  private Optional<Guid> passiveApplied() {
    Optional<SnapshotView> reported =
        peerClient.status().flatMap(s -> serviceOf(s)).map(ServiceStatus::lastAppliedSnapshot);
    if (reported.isPresent() && reported.get() != null) {
      SnapshotView applied = reported.get();
      store.recordApplied(name(), peer.value(), applied.name(), applied.guid());
      return Optional.of(Guid.parse(applied.guid()));
    }
    Duration hold = config.settings().passiveHold();
    return store
        .lastApplied(name(), peer.value())
        .filter(a -> !a.appliedAt().plus(hold).isBefore(clock.instant()))
        .map(a -> Guid.parse(a.guid()));
  }

  private Optional<ServiceStatus> serviceOf(NodeStatus status) {
    return status.services().stream().filter(s -> s.name().equals(name())).findFirst();
  }

  private void pullCycle() {
    long runId = -1;
    try {
      ServiceState state = store.serviceState(name()).orElseThrow();
      if (state.lock().isPresent()) {
        log.info("{}: sync is locked ({}); not pulling", name(), state.lock().get().reason());
        return;
      }
      runId = store.startRun(name(), peer.value(), self.value(), Optional.empty());
      Settings settings = config.settings();
      TransferOptions options =
          TransferOptions.defaults()
              .withStallTimeout(settings.stallTimeout())
              .withBandwidthLimit(settings.bandwidthLimitBytesPerSecond());
      Puller puller =
          new Puller(
              peerZfs,
              localZfs,
              pool(),
              clock,
              options,
              activity -> transfer = Optional.of(activity));
      PullReport report = puller.pullOnce();
      report
          .newestApplied()
          .ifPresent(
              s -> {
                lastApplied = Optional.of(s);
                store.recordApplied(name(), self.value(), s.name().toString(), s.guid().toString());
              });
      for (var aside : report.setAside()) {
        event(
            EventKind.REPLICATION_ERROR,
            "previous data kept as " + aside + " (no common snapshot)");
      }
      report.notes().forEach(note -> event(EventKind.REPLICATION_ERROR, note));
      RunResult result =
          report.diverged()
              ? RunResult.DIVERGED
              : report.succeeded() ? RunResult.OK : RunResult.FAILED;
      store.finishRun(
          runId, report.bytes(), result, Optional.of(report.summary()), report.firstError());
    } catch (RuntimeException e) {
      // One failed cycle (peer away, pool busy) must not stop the next one.
      log.warn("{}: pull cycle failed: {}", name(), e.getMessage());
      if (runId > 0) {
        finishFailed(runId, e);
      }
    } finally {
      transfer = Optional.empty();
    }
  }

  private void finishFailed(long runId, RuntimeException e) {
    try {
      store.finishRun(
          runId, 0, RunResult.FAILED, Optional.empty(), Optional.ofNullable(e.getMessage()));
    } catch (RuntimeException storeFailure) {
      log.error("{}: could not record the failed run: {}", name(), storeFailure.getMessage());
    }
  }

  private void event(EventKind kind, String message) {
    store.recordEvent(kind, name(), self.value(), "zferryd", message);
  }

  public ServiceStatus status() {
    ServiceState state = store.serviceState(name()).orElseThrow();
    Settings settings = config.settings();
    Optional<Snapshot> newestLocal = newestLocal();
    Long lag;
    SnapshotView applied;
    if (role == Role.PASSIVE) {
      // What this node applied: known from the last pull, or after a restart its newest snapshot.
      Optional<Snapshot> appliedHere = lastApplied.isPresent() ? lastApplied : newestLocal;
      lag =
          appliedHere
              .map(s -> Duration.between(s.creation(), clock.instant()).toSeconds())
              .orElse(null);
      applied = appliedHere.map(ServiceRuntime::view).orElse(null);
    } else {
      // The active knows the passive's progress from the passive's own status.
      Optional<ServiceStatus> peerView = peerClient.lastKnown().flatMap(this::serviceOf);
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
        newestLocal.map(ServiceRuntime::view).orElse(null),
        config.vips().stream().map(Vip::cidr).toList(),
        transfer.map(ServiceRuntime::view).orElse(null),
        lastRun().orElse(null),
        role == Role.ACTIVE
            ? scheduler.nextRound(name()).map(Instant::toString).orElse(null)
            : null,
        new SettingsView(
            DurationText.format(settings.snapshotInterval()),
            settings.retentionCount(),
            DurationText.format(settings.pullInterval()),
            DurationText.format(settings.rollbackWindow())));
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
    return store.recentRuns(name(), 1).stream()
        .findFirst()
        .map(
            run ->
                new RunView(
                    run.started().toString(),
                    run.finished().toString(),
                    run.bytes(),
                    run.result().name().toLowerCase(java.util.Locale.ROOT),
                    run.plan().orElse(null),
                    run.error().orElse(null)));
  }

  private DatasetName pool() {
    return config.pool();
  }

  private static SnapshotView view(Snapshot s) {
    return new SnapshotView(s.name().toString(), s.guid().toString(), s.creation().toString());
  }

  private static TransferView view(TransferActivity activity) {
    TransferProgress p = activity.progress();
    return new TransferView(
        activity.dataset().value(),
        activity.plan(),
        p.bytesDone(),
        p.estimatedTotalBytes() < 0 ? null : p.estimatedTotalBytes(),
        p.bytesPerSecond(),
        p.eta().map(Duration::toSeconds).orElse(null),
        p.finished());
  }

  @Override
  public void close() {
    scheduler.unschedule(name());
    pullThread.shutdownNow();
  }
}
