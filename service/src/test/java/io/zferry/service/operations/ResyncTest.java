package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.fakes.FakeZfs;
import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.pull.TransferActivity;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * node-b, the old active of a locked service, resyncs from node-a, the owner since a takeover: a
 * real {@link Puller} between two {@link FakeZfs} pools, an in-memory store, the test clock.
 */
class ResyncTest {
  private static final DatasetName TANK = DatasetName.of("tank");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private FakeZfs a = FakeZfs.openZfs("node-a", clock, 1).createPool("tank", 1L << 30);
  private FakeZfs b = FakeZfs.openZfs("node-b", clock, 2).createPool("tank", 1L << 30);
  private final Side side = new Side();

  ResyncTest() {
    // node-b served, node-a took over at epoch 1 and locked the sync.
    store.initialiseService("tank", "node-b");
    store.changeOwner("tank", 0, "node-a", "system", "automatic failover", true);
  }

  private Resync resync() {
    return new Resync(side, store, b, TANK, clock);
  }

  private ServiceState record() {
    return store.serviceState("tank").orElseThrow();
  }

  private SnapshotName snapshot(FakeZfs node) {
    clock.advance(Duration.ofMinutes(1));
    return node.snapshot(TANK, SnapshotNaming.shortNameAt(clock.instant()), true);
  }

  /** A common snapshot, then writes on node-b that node-a never got, and newer writes on node-a. */
  private void diverge() {
    a.writeFile(TANK, "common", "both");
    snapshot(a);
    assertThat(side.puller(Puller.Divergence.REPORT).pullOnce().succeeded()).isTrue();
    b.setProperty(TANK, PropertyName.of("readonly"), "off");
    b.writeFile(TANK, "written-on-b", "acknowledged on node-b before the takeover");
    a.writeFile(TANK, "written-on-a", "new");
    snapshot(a);
  }

  @Test
  void theDivergentDataIsKeptAsideNotDestroyedAndTheLockIsCleared() {
    diverge();

    ResyncResult result = resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice");

    assertThat(result.node()).isEqualTo("node-b");
    assertThat(result.keptAside())
        .singleElement()
        .satisfies(copy -> assertThat(copy).startsWith("tank/zferry-aside-"));
    DatasetName aside = DatasetName.of(result.keptAside().get(0).split(" ")[0]);
    assertThat(new String(b.files(aside).get("written-on-b")))
        .as("writes never snapshotted are part of the rescue snapshot, so they are kept")
        .isEqualTo("acknowledged on node-b before the takeover");
    assertThat(b.files(TANK)).containsKey("written-on-a").doesNotContainKey("written-on-b");
    assertThat(b.discardedWrites())
        .as("the rollback finds nothing unsnapshotted to discard")
        .allMatch(d -> d.bytes() == 0);
    assertThat(record().isLocked()).isFalse();
  }

  /**
   * Seen on kernel OpenZFS 2.1 and 2.3 (PowerLossOpenZfsIT): the result called an encrypted copy
   * "mounted at" a place where it was not mounted (its key is not loaded there), and said of a
   * zvol's copy that it could not be mounted and would be hidden by the next receive.
   */
  @Test
  void eachCopyAsideSaysWhereItsDataCanBeRead() {
    DatasetName vol = TANK.child("vol");
    DatasetName secret = TANK.child("secret");
    a.createVolume(vol);
    a.createEncryptedFilesystem(secret);
    snapshot(a);
    assertThat(side.puller(Puller.Divergence.REPORT).pullOnce().succeeded()).isTrue();
    // node-b served both before the takeover, with the key loaded as docs/failover.md says.
    b.loadKey(secret);
    b.setProperty(TANK, PropertyName.of("readonly"), "off");
    b.mount(secret);
    b.writeFile(vol, "block-0", "written on node-b");
    b.writeFile(secret, "secret-file", "written on node-b");
    snapshot(a);

    ResyncResult result = resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice");

    assertThat(result.keptAside()).hasSize(2);
    String volCopy = result.keptAside().stream().filter(c -> c.contains("-vol")).findFirst().get();
    String volAside = volCopy.split(" ")[0];
    assertThat(volCopy).isEqualTo(volAside + " (a volume: /dev/zvol/" + volAside + ")");
    String secretCopy =
        result.keptAside().stream().filter(c -> c.contains("-secret")).findFirst().get();
    assertThat(secretCopy)
        .doesNotContain("mounted at")
        .endsWith(", not mounted: its key is not loaded)");
    assertThat(result.notes())
        .as("said once, in the copy's description")
        .noneMatch(n -> n.contains("hidden by the next receive") || n.contains("not mounted"));
    assertThat(new String(b.files(DatasetName.of(volAside)).get("block-0")))
        .isEqualTo("written on node-b");
  }

  /**
   * Seen in the zfs-fuse lab (FailoverIT and every fault suite): mark-sync-as-fixed answered 500
   * because describing the copy asked for {@code keystatus}, which zfs-fuse does not know.
   */
  @Test
  void onZfsFuseTheCopyAsideIsDescribedWithOnlyWhatZfsFuseKnows() {
    a = FakeZfs.zfsFuse("node-a", clock, 1).createPool("tank", 1L << 30);
    b = FakeZfs.zfsFuse("node-b", clock, 2).createPool("tank", 1L << 30);
    diverge();

    ResyncResult result = resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice");

    String aside = result.keptAside().get(0).split(" ")[0];
    assertThat(result.keptAside())
        .containsExactly(
            aside + " (mounted at /tank.zferry-aside/" + aside.substring("tank/".length()) + ")");
    assertThat(new String(b.files(DatasetName.of(aside)).get("written-on-b")))
        .isEqualTo("acknowledged on node-b before the takeover");
    assertThat(record().isLocked()).isFalse();
  }

  /** The lock is cleared before the copies are described: a failed listing is said, not thrown. */
  @Test
  void aCopyWhoseMountCannotBeReadIsStillNamedAndTheResyncStands() {
    diverge();
    side.afterPull = () -> b.failNext(FakeZfs.Op.GET, 10, "cannot open 'tank': I/O error");

    ResyncResult result = resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice");

    assertThat(result.keptAside())
        .singleElement()
        .satisfies(
            copy ->
                assertThat(copy)
                    .startsWith("tank/zferry-aside-")
                    .contains(" (where it can be read is unknown: node-b: 'zfs get ")
                    .endsWith("cannot open 'tank': I/O error)"));
    assertThat(record().isLocked()).isFalse();
  }

  @Test
  void aBootstrapThatCannotKeepTheOldDataAsideStopsAndTheSyncStaysLocked() {
    // No common snapshot, old data on node-b, and no room for a copy of it.
    b.writeFile(TANK, "only-here", new byte[8 << 20]);
    b.setPoolSize("tank", b.poolUsed("tank") + (16 << 20));
    a.writeFile(TANK, "f", "data");
    snapshot(a);

    assertThatThrownBy(() -> resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice"))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.FAILED))
        .hasMessageStartingWith("the sync stays locked")
        .hasMessageContaining("could not be set aside");

    assertThat(b.files(TANK)).containsKey("only-here");
    assertThat(b.destroyed()).isEmpty();
    assertThat(b.discardedWrites()).isEmpty();
    assertThat(record().isLocked()).as("only a successful resync clears the lock").isTrue();
  }

  @Test
  void anOutcomeThatCannotSucceedIsNotRetried() {
    b.writeFile(TANK, "only-here", new byte[8 << 20]);
    b.setPoolSize("tank", b.poolUsed("tank") + (16 << 20));
    a.writeFile(TANK, "f", "data");
    snapshot(a);

    assertThatThrownBy(() -> resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice"))
        .isInstanceOf(OperationException.class);

    assertThat(side.pulls).as("no room now is no room two seconds later").isEqualTo(1);
    assertThat(side.pauses).isZero();
  }

  @Test
  void theOperatorWhoChoseDiscardGetsTheBootstrapEvenWithoutRoom() {
    b.writeFile(TANK, "only-here", new byte[8 << 20]);
    b.setPoolSize("tank", b.poolUsed("tank") + (16 << 20));
    a.writeFile(TANK, "f", "data");
    snapshot(a);

    resync().run(Puller.Divergence.DISCARD_AND_RESYNC, "alice");

    assertThat(b.files(TANK)).containsKey("f");
    assertThat(record().isLocked()).isFalse();
  }

  @Test
  void aConnectionThatFailsOnceIsTriedOnceMore() {
    diverge();
    side.unreachableTimes = 1;

    resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice");

    assertThat(side.pulls).isEqualTo(2);
    assertThat(side.pauses).isEqualTo(1);
    assertThat(record().isLocked()).isFalse();
  }

  @Test
  void aPeerThatStaysUnreachableLeavesTheLockInPlace() {
    diverge();
    side.unreachableTimes = 2;

    assertThatThrownBy(() -> resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice"))
        .hasMessageContaining("the pull from node-a failed");

    assertThat(side.pulls).isEqualTo(2);
    assertThat(record().isLocked()).isTrue();
  }

  @Test
  void theOwnerRefusesToResyncItself() {
    store.changeOwner("tank", 1, "node-b", "alice", "forced", true);

    assertThatThrownBy(() -> resync().run(Puller.Divergence.KEEP_ASIDE_AND_RESYNC, "alice"))
        .hasMessage("node-b owns tank; the node to resync is the other one");
    assertThat(b.commands()).noneMatch(argv -> argv.contains("snapshot"));
  }

  private final class Side implements Resync.Local {
    int pulls;
    int pauses;
    int unreachableTimes;
    Runnable afterPull = () -> {};
    final List<PullReport> reports = new ArrayList<>();

    Puller puller(Puller.Divergence how) {
      return new Puller(
              a, b, TANK, clock, TransferOptions.defaults(), TransferActivity.Listener.NONE)
          .resolvingDivergence(how);
    }

    @Override
    public String service() {
      return "tank";
    }

    @Override
    public String self() {
      return "node-b";
    }

    @Override
    public String peer() {
      return "node-a";
    }

    @Override
    public Optional<PullReport> pull(Puller.Divergence how) {
      pulls++;
      if (unreachableTimes > 0) {
        unreachableTimes--;
        return Optional.empty();
      }
      clock.advance(Duration.ofSeconds(10));
      PullReport report = puller(how).pullOnce();
      reports.add(report);
      afterPull.run();
      return Optional.of(report);
    }

    @Override
    public void pauseBeforeRetry() {
      pauses++;
    }
  }
}
