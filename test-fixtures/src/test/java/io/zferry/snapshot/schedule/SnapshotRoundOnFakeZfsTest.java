package io.zferry.snapshot.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A snapshot round on the active, on {@link FakeZfs}. */
class SnapshotRoundOnFakeZfsTest {
  static final DatasetName TANK = DatasetName.of("tank");

  @Test
  void aFailedSnapshotStillAppliesRetention() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    FakeZfs zfs = FakeZfs.openZfs("node-a", Clock.fixed(start, ZoneOffset.UTC), 1);
    zfs.createPool("tank", 1L << 30);
    for (int i = 0; i < 5; i++) {
      zfs.snapshot(TANK, SnapshotNaming.shortNameAt(start.minusSeconds(60L * (5 - i))), true);
    }
    zfs.failNext(FakeZfs.Op.SNAPSHOT, 1, "cannot create snapshot 'tank@x': out of space");
    SnapshotRound round =
        new SnapshotRound(
            zfs,
            TANK,
            Clock.fixed(start, ZoneOffset.UTC),
            () -> new RetentionPolicy(2),
            Optional::empty);

    assertThatThrownBy(round::run)
        .isInstanceOf(ZfsCommandException.class)
        .hasMessageContaining("out of space");

    assertThat(zfs.listSnapshots(TANK).snapshots()).hasSize(2);
  }
}
