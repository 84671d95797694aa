package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.fakes.FakeZfs;
import io.zferry.service.daemon.ReplicationStatus.Replication;
import io.zferry.service.status.Role;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PassiveView;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.service.testing.MutableClock;
import io.zferry.service.testing.Statuses;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.sync.pull.TransferActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lag and snapshots the status shows: from this node's pulls, or on the active its peer's. */
class ReplicationStatusTest {
  private static final DatasetName TANK = DatasetName.of("tank");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeZfs zfs = FakeZfs.openZfs("node-a", clock, 1).createPool("tank", 1L << 30);
  private Optional<Snapshot> lastPulled = Optional.empty();
  private Optional<NodeStatus> peer = Optional.empty();
  private final ReplicationStatus replication =
      new ReplicationStatus(
          "tank",
          TANK,
          () -> lastPulled,
          Optional::<TransferActivity>empty,
          zfs,
          () -> peers(),
          clock);

  // node-b, and with a second passive also node-c.
  private Optional<NodeStatus> secondPeer = null;

  private java.util.Map<String, Optional<NodeStatus>> peers() {
    java.util.Map<String, Optional<NodeStatus>> peers = new java.util.LinkedHashMap<>();
    peers.put("node-b", peer);
    if (secondPeer != null) {
      peers.put("node-c", secondPeer);
    }
    return peers;
  }

  @Test
  void aPassiveThatHasNotPulledSinceItStartedCountsFromItsNewestRootSnapshot() {
    zfs.createFilesystem(DatasetName.of("tank/child"));
    zfs.snapshot(TANK, "s1", false);
    clock.advance(Duration.ofSeconds(20));
    zfs.snapshot(DatasetName.of("tank/child"), "only-child", false);
    clock.advance(Duration.ofSeconds(10));

    Replication passive = replication.of(Role.PASSIVE);
    assertThat(passive.lagSeconds()).isEqualTo(30L);
    assertThat(passive.lastApplied().name()).isEqualTo("tank@s1");
    assertThat(passive.newestLocal()).isEqualTo(passive.lastApplied());
    assertThat(passive.transfer()).isNull();
  }

  @Test
  void aPassiveThatPulledCountsFromWhatItsLastPullApplied() {
    zfs.snapshot(TANK, "s1", false);
    lastPulled = Optional.of(newest());
    clock.advance(Duration.ofSeconds(40));
    zfs.snapshot(TANK, "taken-here", false);
    clock.advance(Duration.ofSeconds(5));

    Replication passive = replication.of(Role.PASSIVE);
    assertThat(passive.lagSeconds()).isEqualTo(45L);
    assertThat(passive.lastApplied().name()).isEqualTo("tank@s1");
    assertThat(passive.newestLocal().name()).isEqualTo("tank@taken-here");
  }

  @Test
  void aPassiveWithoutSnapshotsHasNoLag() {
    Replication passive = replication.of(Role.PASSIVE);
    assertThat(passive.lagSeconds()).isNull();
    assertThat(passive.lastApplied()).isNull();
    assertThat(passive.newestLocal()).isNull();
  }

  @Test
  void aPoolThatCannotBeListedLeavesTheNewestSnapshotUnknown() {
    zfs.snapshot(TANK, "s1", false);
    zfs.failNext(FakeZfs.Op.LIST, 1, "cannot open 'tank': pool I/O is currently suspended");
    assertThat(replication.of(Role.PASSIVE).newestLocal()).isNull();
  }

  @Test
  void theActiveShowsWhatThePassiveSaysOfThisService() {
    zfs.snapshot(TANK, "s2", false);
    SnapshotView applied = new SnapshotView("tank@s1", "7", "2025-12-31T23:59:00Z");
    ServiceStatus tank = withApplied(Statuses.passive().withLag(60L).build(), applied);
    ServiceStatus other = Statuses.passive().named("pool2").withLag(5L).build();
    peer =
        Optional.of(new NodeStatus("node-b", "lab", "2026-01-01T00:00:00Z", List.of(other, tank)));

    Replication active = replication.of(Role.ACTIVE);
    assertThat(active.lagSeconds()).isEqualTo(60L);
    assertThat(active.lastApplied()).isEqualTo(applied);
    assertThat(active.newestLocal().name()).isEqualTo("tank@s2");
  }

  @Test
  void ofSeveralPassivesTheActiveShowsEachAndTheSmallestLagIsTheServices() {
    SnapshotView offSite = new SnapshotView("tank@s1", "7", "2025-12-31T23:00:00Z");
    SnapshotView local = new SnapshotView("tank@s9", "9", "2025-12-31T23:59:55Z");
    peer =
        Optional.of(
            new NodeStatus(
                "node-b",
                "lab",
                "2026-01-01T00:00:00Z",
                List.of(withApplied(Statuses.passive().withLag(3600L).build(), offSite))));
    secondPeer =
        Optional.of(
            new NodeStatus(
                "node-c",
                "lab",
                "2026-01-01T00:00:00Z",
                List.of(withApplied(Statuses.passive().withLag(5L).build(), local))));

    Replication active = replication.of(Role.ACTIVE);
    assertThat(active.passives())
        .containsExactly(
            new PassiveView("node-b", true, 3600L, offSite, "1m"),
            new PassiveView("node-c", true, 5L, local, "1m"));
    assertThat(active.lagSeconds()).as("the most up-to-date passive's").isEqualTo(5L);
    assertThat(active.lastApplied()).isEqualTo(local);

    secondPeer = Optional.empty();
    Replication oneSilent = replication.of(Role.ACTIVE);
    assertThat(oneSilent.passives())
        .containsExactly(
            new PassiveView("node-b", true, 3600L, offSite, "1m"),
            new PassiveView("node-c", false, null, null, null));
    assertThat(oneSilent.lagSeconds()).isEqualTo(3600L);
    assertThat(replication.of(Role.PASSIVE).passives()).isEmpty();
  }

  @Test
  void theActiveWithASilentPeerHasNoLag() {
    zfs.snapshot(TANK, "s1", false);
    Replication active = replication.of(Role.ACTIVE);
    assertThat(active.lagSeconds()).as("unknown, not zero").isNull();
    assertThat(active.lastApplied()).isNull();
  }

  private Snapshot newest() {
    List<Snapshot> all = zfs.listSnapshots(TANK).snapshots();
    return all.get(all.size() - 1);
  }

  private static ServiceStatus withApplied(ServiceStatus s, SnapshotView applied) {
    return new ServiceStatus(
        s.name(),
        s.pool(),
        s.activeNode(),
        s.role(),
        s.epoch(),
        s.syncLocked(),
        s.lagSeconds(),
        applied,
        s.lastSnapshot(),
        s.vips(),
        s.transfer(),
        s.lastRun(),
        s.nextSnapshot(),
        s.settings(),
        s.state(),
        s.lock(),
        s.vipsHeld(),
        s.vipProblems(),
        s.lastHooks(),
        s.keptForTransfer(),
        s.passives());
  }
}
