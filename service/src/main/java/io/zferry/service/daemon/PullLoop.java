package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.RunResult;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.Settings;
import io.zferry.service.model.NodeName;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.pull.InFlightTransfers;
import io.zferry.sync.pull.PullCancelledException;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.pull.TransferActivity;
import io.zferry.sync.transfer.StreamRelay;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.WireCompression;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passive's pull cycles for one service, every pull interval while enabled. Every run is
 * recorded in the state store. A takeover stops the loop and waits for the cycle under way, whose
 * transfer it cancels rather than letting it run into a stall timeout on a dead peer.
 */
final class PullLoop implements AutoCloseable {
  /** The node a cycle pulls from (the owner of the record) and its ZFS. */
  record Source(NodeName node, Zfs zfs) {}

  private static final Logger log = LoggerFactory.getLogger(PullLoop.class);
  static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(2);

  /**
   * How long a cancelled cycle gets to end by itself before its commands on the peer are ended: a
   * cancel ends transfers at once, but a command waiting on a peer that is gone (a takeover's case)
   * or an SSH connect to it would hold the takeover up for its whole time-out.
   */
  private static final java.time.Duration ABORT_AFTER = java.time.Duration.ofMillis(200);

  private final String service;
  private final NodeName self;
  private final Supplier<Optional<Source>> source;
  private final DatasetName pool;
  private final Supplier<Settings> settings;
  private final boolean rawSends;
  private final boolean lockWhenDiverged;
  private final StateStore store;
  private final Zfs localZfs;
  private final Optional<StreamRelay> relay;
  private final WireCompression compression;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final ReentrantLock cycleLock = new ReentrantLock();

  private volatile boolean enabled;
  private volatile Optional<Puller> current = Optional.empty();
  private volatile Optional<TransferActivity> transfer = Optional.empty();
  private volatile Optional<Snapshot> lastApplied = Optional.empty();
  // The node the cycle under way pulls from: a cancel ends the commands waiting there.
  private volatile Optional<Source> pullingFrom = Optional.empty();
  // Whether the cycle under way pulls from a source named by its caller, not from the owner.
  private volatile boolean explicitSource;
  private volatile InFlightTransfers inFlight = new InFlightTransfers();

  PullLoop(
      String service,
      NodeName self,
      Supplier<Optional<Source>> source,
      DatasetName pool,
      Supplier<Settings> settings,
      boolean rawSends,
      boolean lockWhenDiverged,
      StateStore store,
      Zfs localZfs,
      Optional<StreamRelay> relay,
      WireCompression compression,
      Clock clock) {
    this.service = service;
    this.self = self;
    this.source = source;
    this.pool = pool;
    this.settings = settings;
    this.rawSends = rawSends;
    this.lockWhenDiverged = lockWhenDiverged;
    if (rawSends) {
      log.info(
          "{}: replication.raw is on: every dataset is bootstrapped with raw sends (zfs send -w);"
              + " a dataset already replicated keeps its send flags until its next bootstrap",
          service);
    }
    this.store = store;
    this.localZfs = localZfs;
    this.relay = relay;
    this.compression = compression;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pull-" + service);
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    thread.schedule(this::scheduledCycleThenNext, 0, TimeUnit.MILLISECONDS);
  }

  /** Turns the periodic pulls on or off; off also cancels the transfer under way. */
  void enable(boolean on) {
    if (on != enabled) {
      // What this loop applied before is history once it stops or starts: a node that was active
      // meanwhile holds newer snapshots of its own, and the status must judge its lag by its
      // newest snapshot until it pulls again, even in the moment between a switchover's swap and
      // the first tick that turns pulling on.
      lastApplied = Optional.empty();
      // Transfers from the node that was active belong to that history too.
      inFlight = new InFlightTransfers();
    }
    if (on && !enabled) {
      log.info(
          "{}: pulling from {} every {}",
          service,
          source.get().map(s -> s.node().value()).orElse("the owner"),
          DurationText.format(settings.get().pullInterval()));
    }
    if (!on && enabled) {
      log.info("{}: pulling stopped", service);
      current.ifPresent(Puller::cancel);
    }
    enabled = on;
  }

  /**
   * Disables the loop and cancels the cycle under way, waiting briefly for it to end. A cycle stuck
   * on a dead peer (opening an SSH session waits for the keep-alive timeout) is cancelled, but a
   * cancelled cycle can still act (unmount, set readonly) until it returns: false while it runs,
   * and the caller must not take the pool over yet.
   */
  boolean stopAndWait() {
    return stopAndWait(STOP_WAIT);
  }

  /** {@link #stopAndWait()}, waiting up to {@code wait} for the cancelled cycle to end. */
  boolean stopAndWait(java.time.Duration wait) {
    return stopAndWait(wait, false);
  }

  /**
   * {@link #stopAndWait()}; with {@code peerFenced} (it was just powered off) the commands under
   * way on the peer are ended at once, without the grace a live peer's commands get: nothing there
   * can answer any more, and a takeover is waiting.
   */
  boolean stopAndWait(java.time.Duration wait, boolean peerFenced) {
    enable(false);
    current.ifPresent(Puller::cancel);
    try {
      long grace = peerFenced ? 0 : Math.min(wait.toMillis(), ABORT_AFTER.toMillis());
      if (cycleLock.tryLock(grace, TimeUnit.MILLISECONDS)) {
        cycleLock.unlock();
        return true;
      }
      // Stuck in a command on the peer, or in connecting to it, that does not answer (it is gone,
      // or its ZFS hangs): a cancel ends only transfers, so the commands still waiting there are
      // ended too, or the takeover would wait for their time-out.
      Optional<Source> stuckOn = pullingFrom;
      int ended = stuckOn.map(s -> s.zfs().abortRunning()).orElse(0);
      String peer = stuckOn.map(s -> s.node().value()).orElse("the owner");
      if (ended > 0 && cycleLock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        cycleLock.unlock();
        log.info(
            "{}: the cancelled pull ended once its {} command(s) on {} were ended",
            service,
            ended,
            peer);
        return true;
      }
      log.info(
          "{}: the cancelled pull still waits on {}; nothing is taken over until it ends",
          service,
          peer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * One cycle now, whatever the schedule, waiting for a cycle under way to end first (a
   * switchover's catch-up).
   */
  Optional<PullReport> runNow() {
    cycleLock.lock();
    try {
      return cycle(Puller.Divergence.REPORT);
    } finally {
      cycleLock.unlock();
    }
  }

  /**
   * One cycle from {@code from} rather than from the owner (another passive further along, before a
   * takeover), waiting for a cycle under way to end first.
   */
  Optional<PullReport> runNowFrom(Source from) {
    cycleLock.lock();
    try {
      return cycle(Puller.Divergence.REPORT, Optional.of(from));
    } finally {
      cycleLock.unlock();
    }
  }

  /**
   * One cycle that resolves divergence as the operator chose, although the sync is still locked: it
   * is the operator's resolution of that lock (mark-sync-as-fixed).
   */
  Optional<PullReport> resolveDivergence(Puller.Divergence how) {
    cycleLock.lock();
    try {
      return cycle(how);
    } finally {
      cycleLock.unlock();
    }
  }

  /**
   * Ends a scheduled cycle that still pulls from a node that no longer owns the record: another
   * node took the service over from it, which is then most likely gone, and a command waiting there
   * would hold this loop until the SSH keep-alive gives up (15 s). The next cycle pulls from the
   * new owner.
   */
  void leaveAFormerOwner() {
    Optional<Source> from = pullingFrom;
    if (from.isEmpty() || explicitSource) {
      return;
    }
    boolean stillOwner =
        source.get().map(owner -> owner.node().equals(from.get().node())).orElse(false);
    if (stillOwner) {
      return;
    }
    log.info(
        "{}: {} no longer owns the service; ending the pull from it", service, from.get().node());
    current.ifPresent(Puller::cancel);
    from.get().zfs().abortRunning();
  }

  Optional<TransferActivity> transfer() {
    return transfer;
  }

  Optional<Snapshot> lastApplied() {
    return lastApplied;
  }

  /**
   * Per dataset, the oldest of the active's snapshots that a transfer under way or interrupted
   * still needs, for the active's retention to keep it and every later one; none while pulling is
   * off.
   */
  List<Snapshot> receiving() {
    return enabled ? inFlight.oldestNeeded() : List.of();
  }

  /**
   * Runs a cycle and schedules the next one a pull interval later, read anew each time: a changed
   * interval takes effect when the current one expires.
   */
  private void scheduledCycleThenNext() {
    try {
      scheduledCycle();
    } catch (RuntimeException e) {
      log.error("{}: pull cycle failed: {}", service, e.toString(), e);
    } finally {
      if (!thread.isShutdown()) {
        thread.schedule(
            this::scheduledCycleThenNext,
            settings.get().pullInterval().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  private void scheduledCycle() {
    if (!enabled || !cycleLock.tryLock()) {
      return;
    }
    try {
      if (enabled) {
        cycle(Puller.Divergence.REPORT);
      }
    } finally {
      cycleLock.unlock();
    }
  }

  private Optional<PullReport> cycle(Puller.Divergence divergence) {
    return cycle(divergence, Optional.empty());
  }

  private Optional<PullReport> cycle(Puller.Divergence divergence, Optional<Source> explicit) {
    long runId = -1;
    try {
      ServiceState state = store.serviceState(service).orElseThrow();
      if (state.lock().isPresent() && divergence == Puller.Divergence.REPORT) {
        log.info("{}: sync is locked ({}); not pulling", service, state.lock().get().reason());
        return Optional.empty();
      }
      Optional<Source> from = explicit.isPresent() ? explicit : source.get();
      if (from.isEmpty()) {
        log.info("{}: no other node owns the service here; not pulling", service);
        return Optional.empty();
      }
      explicitSource = explicit.isPresent();
      pullingFrom = from;
      runId = store.startRun(service, from.get().node().value(), self.value(), Optional.empty());
      Settings now = settings.get();
      TransferOptions base =
          TransferOptions.defaults()
              .withStallTimeout(now.stallTimeout())
              .withBandwidthLimit(now.bandwidthLimitBytesPerSecond());
      TransferOptions options =
          relay.map(r -> base.withRelay(r).withCompression(compression)).orElse(base);
      // A rollback of another tool's snapshot is an event before the receive that does it; the
      // report's note of it afterwards would only repeat that event.
      Set<String> announced = new HashSet<>();
      Puller puller =
          new Puller(
                  from.get().zfs(),
                  localZfs,
                  pool,
                  clock,
                  options,
                  activity -> transfer = Optional.of(activity))
              .withRawSends(rawSends)
              .trackingTransfersIn(inFlight)
              .resolvingDivergence(divergence)
              .announcingRollbacks(
                  rollback -> {
                    String message = rollback.dataset() + ": " + rollback.describe();
                    announced.add(message);
                    event(message);
                  });
      current = Optional.of(puller);
      PullReport report = puller.pullOnce();
      record(runId, report, announced);
      return Optional.of(report);
    } catch (PullCancelledException e) {
      log.info("{}: {}", service, e.getMessage());
      finishFailed(runId, e);
      return Optional.empty();
    } catch (RuntimeException e) {
      // One failed cycle (peer away, pool busy) must not stop the next one.
      log.warn("{}: pull cycle failed: {}", service, e.getMessage());
      finishFailed(runId, e);
      return Optional.empty();
    } finally {
      current = Optional.empty();
      transfer = Optional.empty();
      pullingFrom = Optional.empty();
      explicitSource = false;
    }
  }

  private void record(long runId, PullReport report, Set<String> announced) {
    report
        .newestApplied()
        .ifPresent(
            s -> {
              lastApplied = Optional.of(s);
              store.recordApplied(service, self.value(), s.name().toString(), s.guid().toString());
            });
    for (var aside : report.setAside()) {
      event("previous data kept as " + aside + " (no common snapshot)");
    }
    report.notes().stream().filter(note -> !announced.contains(note)).forEach(this::event);
    if (report.diverged() && lockWhenDiverged && !explicitSource) {
      lockDiverged(report);
    }
    RunResult result =
        report.diverged()
            ? RunResult.DIVERGED
            : report.succeeded() ? RunResult.OK : RunResult.FAILED;
    store.finishRun(
        runId, report.bytes(), result, Optional.of(report.summary()), report.firstError());
  }

  /**
   * Of more than two nodes, a passive can hold snapshots the owner lacks: it was further along than
   * the node that took over, and could not give them to it first. They may exist nowhere else, so
   * it neither rolls them back nor waits unnoticed: it locks, and the divergence report names them
   * until an operator runs mark-sync-as-fixed with the owner.
   */
  private void lockDiverged(PullReport report) {
    ServiceState state = store.serviceState(service).orElseThrow();
    if (state.isLocked()) {
      return;
    }
    String reason =
        self.value()
            + " holds snapshots "
            + state.activeNode()
            + " lacks ("
            + report.summary()
            + "); they may exist nowhere else: see zferry divergence "
            + service
            + ", then zferry mark-sync-as-fixed "
            + service
            + " "
            + state.activeNode()
            + " "
            + self.value();
    try {
      store.lockSync(
          service,
          state.epoch(),
          io.zferry.lockstate.SyncLock.of(reason, clock.instant(), StateStore.SYSTEM_ACTOR));
      log.warn("{}: {}", service, reason);
    } catch (io.zferry.lockstate.EpochConflictException e) {
      // The record changed meanwhile: the next cycle pulls from the new owner.
    }
  }

  private void finishFailed(long runId, RuntimeException e) {
    if (runId <= 0) {
      return;
    }
    try {
      store.finishRun(
          runId, 0, RunResult.FAILED, Optional.empty(), Optional.ofNullable(e.getMessage()));
    } catch (RuntimeException storeFailure) {
      log.error("{}: could not record the failed run: {}", service, storeFailure.getMessage());
    }
  }

  private void event(String message) {
    store.recordEvent(
        EventKind.REPLICATION_ERROR, service, self.value(), StateStore.SYSTEM_ACTOR, message);
  }

  @Override
  public void close() {
    enable(false);
    thread.shutdownNow();
  }
}
