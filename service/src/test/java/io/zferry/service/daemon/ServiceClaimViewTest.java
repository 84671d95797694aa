package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.service.status.HeartbeatView.AppliedView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The passive's claim carries what its transfers need from the active, by name and GUID. */
class ServiceClaimViewTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);

  @Test
  void theClaimNamesTheSnapshotsTheTransfersNeed() {
    store.initialiseService("tank", "node-a");
    List<Snapshot> receiving =
        List.of(
            new Snapshot(
                SnapshotName.parse("tank/big@zferry-20261201-095900"),
                new Guid(5),
                10,
                clock.instant()),
            new Snapshot(
                SnapshotName.parse("tank/big@zferry-20261201-095915"),
                new Guid(6),
                11,
                clock.instant()));
    ServiceClaimView view =
        new ServiceClaimView(
            "tank",
            "node-b",
            store,
            new PoolHealthProbe("tank", timeout -> "ONLINE", clock::nanoTime),
            () -> 0,
            () -> receiving);

    ServiceClaim claim = view.claim();

    assertThat(claim.receiving())
        .containsExactly(
            new AppliedView("tank/big@zferry-20261201-095900", "5"),
            new AppliedView("tank/big@zferry-20261201-095915", "6"));
  }
}
