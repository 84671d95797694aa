package io.zferry.service.daemon;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.Zfs;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The creation time of the newest snapshot of the pool root this node applied, or holds: what its
 * promotion score under Pacemaker says. The pull loop forgets what it applied when it stops (a
 * silent owner stops it), which is exactly when the score matters most; and a node that handed the
 * record over a moment ago has pulled nothing yet but holds its own snapshots. So the last applied
 * snapshot is kept, and the pool's own newest is read (at most every few seconds) while no pull
 * reports one.
 */
final class NewestApplied implements Supplier<Optional<Instant>> {
  private static final Logger log = LoggerFactory.getLogger(NewestApplied.class);
  private static final Duration LOCAL_READ_EVERY = Duration.ofSeconds(5);

  private final Supplier<Optional<Snapshot>> lastPulled;
  private final Supplier<Optional<Snapshot>> newestLocal;
  private volatile Optional<Snapshot> lastKnown = Optional.empty();

  NewestApplied(
      Supplier<Optional<Snapshot>> lastPulled,
      Zfs localZfs,
      DatasetName pool,
      LongSupplier nanoTime) {
    this.lastPulled = lastPulled;
    this.newestLocal = new Refreshing<>(() -> newestOf(localZfs, pool), LOCAL_READ_EVERY, nanoTime);
  }

  @Override
  public Optional<Instant> get() {
    Optional<Snapshot> pulled = lastPulled.get();
    if (pulled.isPresent()) {
      lastKnown = pulled;
      return pulled.map(Snapshot::creation);
    }
    Optional<Instant> known = lastKnown.map(Snapshot::creation);
    Optional<Instant> local = newestLocal.get().map(Snapshot::creation);
    if (known.isPresent() && local.isPresent()) {
      return Optional.of(known.get().isAfter(local.get()) ? known.get() : local.get());
    }
    return known.isPresent() ? known : local;
  }

  private static Optional<Snapshot> newestOf(Zfs zfs, DatasetName pool) {
    try {
      return zfs.listSnapshots(pool).snapshots().stream()
          .filter(snapshot -> snapshot.dataset().equals(pool))
          .max(Comparator.comparing(Snapshot::createTxg));
    } catch (RuntimeException e) {
      log.warn("cannot list the snapshots of {}: {}", pool, e.toString());
      return Optional.empty();
    }
  }
}
