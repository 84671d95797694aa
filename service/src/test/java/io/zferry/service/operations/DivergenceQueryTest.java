package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.fakes.FakeZfs;
import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.pull.TransferActivity;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** zferry divergence on node-b, the old active, after node-a took tank over. */
class DivergenceQueryTest {
  private static final DatasetName TANK = DatasetName.of("tank");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final FakeZfs a = FakeZfs.openZfs("node-a", clock, 1).createPool("tank", 1L << 30);
  private final FakeZfs b = FakeZfs.openZfs("node-b", clock, 2).createPool("tank", 1L << 30);

  DivergenceQueryTest() {
    store.initialiseService("tank", "node-b");
    store.changeOwner("tank", 0, "node-a", "system", "automatic failover", true);
  }

  @Test
  void theOldActiveNamesTheSnapshotsOnlyItHolds() {
    clock.advance(Duration.ofMinutes(1));
    SnapshotName common = a.snapshot(TANK, SnapshotNaming.shortNameAt(clock.instant()), true);
    new Puller(a, b, TANK, clock, TransferOptions.defaults(), TransferActivity.Listener.NONE)
        .pullOnce();
    clock.advance(Duration.ofMinutes(1));
    SnapshotName onlyOnB = b.snapshot(TANK, SnapshotNaming.shortNameAt(clock.instant()), true);

    DivergenceReport report =
        DivergenceQuery.run(store, "tank", "node-b", "node-a", new DivergenceInspector(b, a, TANK));

    assertThat(report.node()).isEqualTo("node-b");
    assertThat(report.activeNode()).isEqualTo("node-a");
    assertThat(report.datasets())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.lastCommon()).contains(common.shortName());
              assertThat(d.snapshotsAfter()).anyMatch(s -> s.contains(onlyOnB.shortName()));
            });
  }

  @Test
  void theOwnerNamesTheNodeToAsk() {
    assertThatThrownBy(
            () ->
                DivergenceQuery.run(
                    store, "tank", "node-a", "node-b", new DivergenceInspector(a, b, TANK)))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT))
        .hasMessage("node-a owns tank; ask node-b");
  }
}
