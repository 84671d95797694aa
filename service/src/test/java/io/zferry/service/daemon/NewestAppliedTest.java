package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.fakes.FakeZfs;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a node's promotion score under Pacemaker is based on, as its roles change. */
class NewestAppliedTest {
  private static final DatasetName TANK = DatasetName.of("tank");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T02:00:00Z"));
  private final FakeZfs zfs = FakeZfs.openZfs("node-a", clock, 1).createPool("tank", 1L << 30);
  private final AtomicLong nanos = new AtomicLong();
  private Optional<Snapshot> pulled = Optional.empty();
  private final NewestApplied newest = new NewestApplied(() -> pulled, zfs, TANK, nanos::get);

  @Test
  void aNodeThatJustHandedTheRecordOverCountsItsOwnSnapshots() {
    zfs.snapshot(TANK, "zferry-1", true);
    Instant taken = clock.instant();

    assertThat(newest.get()).contains(taken);
  }

  @Test
  void whatThePullAppliedCountsAndIsKeptWhenThePullStops() {
    zfs.snapshot(TANK, "zferry-1", true);
    assertThat(newest.get()).isPresent();
    clock.advance(Duration.ofMinutes(5));
    Instant applied = clock.instant();
    pulled =
        Optional.of(
            new Snapshot(
                TANK.snapshot("zferry-2"), io.zferry.snapshot.zfs.Guid.parse("9"), 2, applied));
    assertThat(newest.get()).contains(applied);

    pulled = Optional.empty(); // the owner fell silent: the pull loop stopped and forgot
    assertThat(newest.get())
        .as("the last applied snapshot, newer than the pool's listing")
        .contains(applied);
  }

  @Test
  void noSnapshotAtAllIsNothingToPromote() {
    assertThat(newest.get()).isEmpty();
  }
}
