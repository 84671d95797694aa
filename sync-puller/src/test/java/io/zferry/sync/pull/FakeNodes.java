package io.zferry.sync.pull;

import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** An active and a passive on {@link FakeZfs}, a clock the test moves, and a puller between. */
final class FakeNodes {
  static final DatasetName TANK = DatasetName.of("tank");

  final MovingClock clock = new MovingClock(Instant.parse("2026-12-01T10:00:00Z"));
  final FakeZfs active;
  final FakeZfs passive;

  /** Shared by every puller made here, as the pulling process shares one between its cycles. */
  final InFlightTransfers inFlight = new InFlightTransfers();

  private FakeNodes(boolean zfsFuse) {
    active = zfsFuse ? FakeZfs.zfsFuse("node-a", clock, 1) : FakeZfs.openZfs("node-a", clock, 1);
    passive = zfsFuse ? FakeZfs.zfsFuse("node-b", clock, 2) : FakeZfs.openZfs("node-b", clock, 2);
    active.createPool("tank", 1L << 30);
    passive.createPool("tank", 1L << 30);
  }

  static FakeNodes openZfs() {
    return new FakeNodes(false);
  }

  static FakeNodes zfsFuse() {
    return new FakeNodes(true);
  }

  /** A recursive zferry snapshot of the active's pool, one minute after the previous. */
  SnapshotName snapshotActive() {
    clock.advance(Duration.ofMinutes(1));
    return active.snapshot(TANK, SnapshotNaming.shortNameAt(clock.instant()), true);
  }

  Puller puller() {
    return new Puller(
            active,
            passive,
            TANK,
            clock,
            TransferOptions.defaults(),
            TransferActivity.Listener.NONE)
        .trackingTransfersIn(inFlight);
  }

  PullReport pull() {
    clock.advance(Duration.ofSeconds(10));
    return puller().pullOnce();
  }

  /** A clock the test moves; all nodes share it. */
  static final class MovingClock extends Clock {
    private Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
