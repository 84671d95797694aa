package io.zferry.service.daemon;

import io.zferry.lockstate.AppliedSnapshot;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.failover.PeerView;
import io.zferry.service.failover.PeerWatch;
import io.zferry.service.status.HeartbeatView.AppliedView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.snapshot.zfs.Guid;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The active's memory of the snapshot the passive last applied, so that retention spares it while
 * the passive is away and the passive can resume incrementally. Kept in the state store, so a
 * restarted active still spares it; spared for at most {@code passiveHold} after the passive last
 * reported it; while the sync is locked, the nodes' last common snapshot instead.
 *
 * <p>The passive also reports, per dataset, the oldest snapshot its transfer still needs (one under
 * way, or one interrupted that it will resume). Those are remembered in memory only and spared,
 * with every later snapshot of their dataset, while the passive's latest report is within the same
 * hold; the snapshot round also stops sparing one older than the hold, so a transfer that never
 * completes cannot keep it for ever.
 *
 * <p>The hold is timed by the monotonic clock, from the latest report this process saw (or from its
 * start): a wall clock stepped forward must not drop the passive's incremental base early.
 */
final class PassiveHold {
  /** How often an unchanged report is written again, at most: it restarts the hold. */
  private static final Duration REFRESH = Duration.ofMinutes(1);

  private final String service;
  private final String peer;
  private final PeerWatch peerWatch;
  private final Duration heartbeatTimeout;
  private final StateStore store;
  private final Supplier<Duration> hold;
  private final LongSupplier nanoTime;
  private final long startedAt;
  private String reportedGuid;
  private long reportedAt;
  private volatile Set<Guid> receiving = Set.of();
  private volatile long receivingReportedAt;

  PassiveHold(
      String service,
      String peer,
      PeerWatch peerWatch,
      Duration heartbeatTimeout,
      StateStore store,
      Supplier<Duration> hold,
      LongSupplier nanoTime) {
    this.service = service;
    this.peer = peer;
    this.peerWatch = peerWatch;
    this.heartbeatTimeout = heartbeatTimeout;
    this.store = store;
    this.hold = hold;
    this.nanoTime = nanoTime;
    this.startedAt = nanoTime.getAsLong();
  }

  /** Records what the passive's latest heartbeat reports as applied, if it answers. */
  void noteReport() {
    if (!(peerWatch.view(service, heartbeatTimeout) instanceof PeerView.Answering)) {
      return;
    }
    Optional<ServiceClaim> claim =
        peerWatch
            .lastHeartbeat()
            .flatMap(h -> h.services().stream().filter(c -> c.name().equals(service)).findFirst());
    if (claim.isEmpty()) {
      return;
    }
    long now = nanoTime.getAsLong();
    noteReceiving(claim.get().receiving(), now);
    if (claim.get().lastApplied() == null) {
      return;
    }
    AppliedView applied = claim.get().lastApplied();
    Optional<AppliedSnapshot> stored = store.lastApplied(service, peer);
    // Refreshed well within the hold: a passive that reports again after a silence must restart
    // the hold before it runs out.
    Duration refresh = min(REFRESH, hold.get().dividedBy(4));
    boolean stale =
        stored.isEmpty()
            || !stored.get().guid().equals(applied.guid())
            || !applied.guid().equals(reportedGuid)
            || now - reportedAt >= refresh.toNanos();
    if (stale) {
      store.recordApplied(service, peer, applied.name(), applied.guid());
      reportedGuid = applied.guid();
      reportedAt = now;
    }
  }

  /**
   * The GUID retention must spare. While the sync is locked after a failover, that is the last
   * snapshot the nodes had in common, for as long as the lock lasts: mark-sync-as-fixed rolls the
   * old active back to it and resumes incrementally from it, however long the operator takes.
   * Otherwise it is what the passive last reported, while the hold lasts.
   */
  Optional<Guid> spared() {
    Optional<Guid> lockedCommon =
        store
            .serviceState(service)
            .flatMap(ServiceState::lock)
            .flatMap(SyncLock::lastCommonGuid)
            .map(Guid::parse);
    if (lockedCommon.isPresent()) {
      return lockedCommon;
    }
    noteReport();
    long since = reportedGuid != null ? reportedAt : startedAt;
    if (nanoTime.getAsLong() - since >= hold.get().toNanos()) {
      return Optional.empty();
    }
    return store.lastApplied(service, peer).map(a -> Guid.parse(a.guid()));
  }

  /** A passive too old to report what it receives reports nothing; neither is kept then. */
  private void noteReceiving(List<AppliedView> reported, long now) {
    Set<Guid> guids = new HashSet<>();
    for (AppliedView snapshot : reported == null ? List.<AppliedView>of() : reported) {
      try {
        guids.add(Guid.parse(snapshot.guid()));
      } catch (RuntimeException e) {
        // Not a GUID: nothing on this node can match it, so nothing is kept for it.
      }
    }
    receiving = Set.copyOf(guids);
    receivingReportedAt = now;
  }

  /**
   * The GUIDs of the snapshots the passive last reported as the oldest its transfers still need,
   * while that report is within the hold; none while the sync is locked, as nothing is pulled then.
   */
  Set<Guid> receiving() {
    if (store.serviceState(service).flatMap(ServiceState::lock).isPresent()) {
      return Set.of();
    }
    noteReport();
    Set<Guid> reported = receiving;
    if (reported.isEmpty() || nanoTime.getAsLong() - receivingReportedAt >= hold.get().toNanos()) {
      return Set.of();
    }
    return reported;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
