package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.SnapshotName;
import org.junit.jupiter.api.Test;

/** The puller never destroys what exists nowhere else, and a full passive pool frees itself. */
class PullerSafetyTest {
  static final DatasetName CHILD = TANK.child("child");
  final FakeNodes nodes = FakeNodes.openZfs();

  /** An old active after a takeover, with the root and {@link #CHILD}: see the next. */
  void divergeWithAWriteOnThePassiveTo(DatasetName writtenOnB) {
    nodes.active.createFilesystem(CHILD);
    divergeAfterACommonSnapshotWithAWriteTo(writtenOnB);
  }

  /**
   * An old active after a takeover: the passive shares one snapshot of every dataset with the
   * active, then gets a write to {@code writtenOnB} and a recursive snapshot of its own after it;
   * the active writes and snapshots too.
   */
  void divergeAfterACommonSnapshotWithAWriteTo(DatasetName writtenOnB) {
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.passive.setProperty(TANK, PropertyName.of("readonly"), "off");
    nodes.passive.writeFile(writtenOnB, "written-on-b", "keep me");
    nodes.clock.advance(java.time.Duration.ofSeconds(30));
    nodes.passive.snapshot(
        TANK, io.zferry.snapshot.schedule.SnapshotNaming.shortNameAt(nodes.clock.instant()), true);
    nodes.passive.setProperty(TANK, PropertyName.of("readonly"), "on");
    nodes.active.writeFile(TANK, "written-on-a", "new");
    nodes.snapshotActive();
  }

  @Test
  void resyncSetsAsideOnlyDatasetsThatHoldDataBeyondTheCommonSnapshot() {
    // The root was written to; the child got a snapshot with nothing written.
    divergeWithAWriteOnThePassiveTo(TANK);

    PullReport report =
        nodes.puller().resolvingDivergence(Puller.Divergence.KEEP_ASIDE_AND_RESYNC).pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside())
        .singleElement()
        .satisfies(d -> assertThat(d.value()).startsWith("tank/zferry-aside-"));
    DatasetName aside = report.setAside().get(0);
    assertThat(new String(nodes.passive.files(aside).get("written-on-b"))).isEqualTo("keep me");
    assertThat(nodes.passive.listDatasets(TANK)).noneMatch(d -> d.value().contains("-child"));
  }

  /**
   * Seen on kernel OpenZFS 2.1 (PowerLossOpenZfsIT): in the resync after a takeover, the pool root
   * was received first, which makes it read-only again ({@code -o readonly=on}); the child's copy
   * aside was then received into the pool, where mounting it needs a directory in that read-only
   * mount. The receive failed after its data arrived, and the resync's retry copied the child aside
   * a second time.
   */
  @Test
  void aCopyAsideAfterTheRootWasReceivedInTheSameResyncIsMadeOnceAndMountedOutsideTheTree() {
    // The child was written to; the root got a snapshot with nothing written.
    divergeWithAWriteOnThePassiveTo(CHILD);

    PullReport report =
        nodes.puller().resolvingDivergence(Puller.Divergence.KEEP_ASIDE_AND_RESYNC).pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside())
        .singleElement()
        .satisfies(d -> assertThat(d.value()).startsWith("tank/zferry-aside-").endsWith("-child"));
    DatasetName aside = report.setAside().get(0);
    assertThat(nodes.passive.listDatasets(TANK).stream().filter(d -> d.value().contains("aside")))
        .containsExactly(aside);
    assertThat(new String(nodes.passive.files(aside).get("written-on-b"))).isEqualTo("keep me");
    assertThat(nodes.passive.getProperty(aside, PropertyName.of("mountpoint")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("/tank.zferry-aside/"));
    assertThat(nodes.passive.isMounted(aside)).as("the copy can be read where it was put").isTrue();
    assertThat(nodes.passive.files(CHILD)).doesNotContainKey("written-on-b");
  }

  @Test
  void aCopyAsideThatFailsLeavesTheDatasetAsItWasWithoutItsSnapshotAndTheNextCycleKeepsIt() {
    divergeWithAWriteOnThePassiveTo(TANK);
    int passiveSnapshots = nodes.passive.listSnapshots(TANK).snapshots().size();
    nodes.passive.failNext(
        io.zferry.fakes.FakeZfs.Op.RECEIVE, 1, "cannot receive new filesystem stream: I/O error");

    PullReport failed =
        nodes.puller().resolvingDivergence(Puller.Divergence.KEEP_ASIDE_AND_RESYNC).pullOnce();

    assertThat(failed.succeeded()).as(failed.summary()).isFalse();
    assertThat(failed.setAside()).isEmpty();
    assertThat(nodes.passive.files(TANK)).containsKey("written-on-b");
    assertThat(nodes.passive.listSnapshots(TANK).snapshots())
        .as("the snapshot taken for the copy is gone with the copy")
        .hasSize(passiveSnapshots)
        .noneMatch(s -> s.name().shortName().contains("zferry-aside"));

    PullReport next =
        nodes.puller().resolvingDivergence(Puller.Divergence.KEEP_ASIDE_AND_RESYNC).pullOnce();

    assertThat(next.succeeded()).as(next.summary()).isTrue();
    DatasetName aside = next.setAside().get(0);
    assertThat(new String(nodes.passive.files(aside).get("written-on-b"))).isEqualTo("keep me");
  }

  /**
   * Seen on kernel OpenZFS 2.1 (PowerLossOpenZfsIT): a zvol's copy aside was given a mountpoint,
   * which OpenZFS refuses for a volume, and the resync said the copy was unmounted and would be
   * hidden by the next receive. A volume is not mounted: its copy is whole at its device.
   */
  @Test
  void aVolumeCopiedAsideIsNamedByItsDeviceAndNotMounted() {
    DatasetName volume = TANK.child("vol");
    nodes.active.createVolume(volume);
    divergeAfterACommonSnapshotWithAWriteTo(volume);

    PullReport report =
        nodes.puller().resolvingDivergence(Puller.Divergence.KEEP_ASIDE_AND_RESYNC).pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside())
        .singleElement()
        .satisfies(d -> assertThat(d.value()).startsWith("tank/zferry-aside-").endsWith("-vol"));
    DatasetName aside = report.setAside().get(0);
    assertThat(new String(nodes.passive.files(aside).get("written-on-b"))).isEqualTo("keep me");
    assertThat(report.notes())
        .as("a volume has no mount to fail")
        .noneMatch(n -> n.contains("could not mount") || n.contains("hidden"));
    assertThat(nodes.passive.getProperty(aside, PropertyName.of("mountpoint"))).isEmpty();
    assertThat(nodes.passive.files(volume)).doesNotContainKey("written-on-b");
  }

  @Test
  void aBootstrapWithoutRoomForTheSetAsideCopyStopsAndDestroysNothing() {
    nodes.passive.writeFile(TANK, "only-here", new byte[8 << 20]);
    SnapshotName old = nodes.passive.snapshot(TANK, "before-zferry", false);
    nodes.passive.setPoolSize("tank", nodes.passive.poolUsed("tank") + (16 << 20));
    nodes.active.writeFile(TANK, "f", "data");
    nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).isFalse();
    assertThat(report.outcomes())
        .singleElement()
        .isInstanceOfSatisfying(
            DatasetOutcome.NoRoomToKeep.class,
            o -> {
              assertThat(o.dataset()).isEqualTo(TANK);
              assertThat(o.availableBytes()).isLessThan(o.neededBytes());
            });
    assertThat(report.notes()).anyMatch(n -> n.contains("could not be set aside"));
    assertThat(nodes.passive.destroyed()).isEmpty();
    assertThat(nodes.passive.discardedWrites()).isEmpty();
    assertThat(nodes.passive.files(TANK)).containsKey("only-here");
    assertThat(nodes.passive.listSnapshots(TANK).snapshots())
        .extracting(s -> s.name())
        .containsExactly(old);
  }

  @Test
  void anOperatorWhoChoseDiscardGetsTheBootstrapEvenWithoutRoom() {
    nodes.passive.writeFile(TANK, "only-here", new byte[8 << 20]);
    nodes.passive.setPoolSize("tank", nodes.passive.poolUsed("tank") + (16 << 20));
    nodes.active.writeFile(TANK, "f", "data");
    nodes.snapshotActive();

    PullReport report =
        nodes.puller().resolvingDivergence(Puller.Divergence.DISCARD_AND_RESYNC).pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(nodes.passive.files(TANK)).containsKey("f");
  }

  @Test
  void aFullPassivePoolExpiresWhatTheActiveDroppedAndGoesOn() {
    nodes.active.writeFile(TANK, "old", new byte[20 << 20]);
    SnapshotName first = nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.deleteFile(TANK, "old");
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    // The active's retention drops the first snapshot, which alone holds 20 MiB on the passive.
    nodes.active.destroySnapshot(first);
    nodes.active.writeFile(TANK, "new", new byte[15 << 20]);
    nodes.snapshotActive();
    nodes.passive.setPoolSize("tank", nodes.passive.poolUsed("tank") + (10 << 20));

    PullReport report = nodes.pull();
    if (!report.succeeded()) {
      // Expired in this cycle, received in the next.
      assertThat(report.expired()).containsExactly(first);
      report = nodes.pull();
    }

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(nodes.passive.files(TANK)).containsKey("new");
    assertThat(nodes.passive.listSnapshots(TANK).snapshots())
        .noneMatch(s -> s.name().equals(first));
  }
}
