package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An interrupted transfer resumes with zfs send -t; a stale token is dropped and the plan runs. */
class ResumeTest {
  static final DatasetName DATA = TANK.child("data");
  final FakeNodes nodes = FakeNodes.openZfs();

  /** Replicated once; then 4 MiB new on the active in a new snapshot. */
  SnapshotName bigIncrementalPending() {
    nodes.active.createFilesystem(DATA);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.writeFile(DATA, "big", new byte[4 << 20]);
    return nodes.snapshotActive();
  }

  long streamSize(SnapshotName from, SnapshotName to) {
    return nodes
        .active
        .estimateSendSize(
            new io.zferry.snapshot.zfs.SendSpec.Incremental(
                DATA.snapshot(from.shortName()),
                DATA.snapshot(to.shortName()),
                true,
                new io.zferry.snapshot.zfs.SendFlags(false, true, true, false, true, true)))
        .orElseThrow();
  }

  void assertResumedWithLittleResent(long cutAt, long total) {
    PullReport resumed = nodes.pull();
    assertThat(resumed.succeeded()).as(resumed.summary()).isTrue();
    assertThat(nodes.active.commands())
        .anyMatch(c -> c.get(0).equals("send") && c.get(1).equals("-t"));
    long resent = cutAt + resumed.bytes() - total;
    assertThat(resent).as("bytes sent twice of %d", total).isLessThan(total / 10);
    assertThat(nodes.passive.files(DATA).get("big")).hasSize(4 << 20);
    assertThat(nodes.passive.resumeToken(DATA)).isEmpty();
  }

  /** The cycle dropped the partial state (receive -A), said so, and received up to {@code next}. */
  void assertDroppedAndReceivedAfresh(PullReport report, SnapshotName next) {
    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(nodes.passive.commands()).contains(List.of("receive", "-A", DATA.value()));
    assertThat(report.notes()).anyMatch(n -> n.contains("could not be resumed"));
    assertThat(nodes.passive.listSnapshots(DATA).snapshots())
        .anyMatch(s -> s.name().shortName().equals(next.shortName()));
  }

  @Test
  void aTransferCutOnTheSendingSideResumes() {
    SnapshotName latest = bigIncrementalPending();
    SnapshotName base = nodes.active.listSnapshots(DATA).snapshots().get(0).name();
    long total = streamSize(base, latest);
    long cutAt = total / 2;
    nodes.active.cutNextSendAfter(cutAt);

    PullReport cut = nodes.pull();

    assertThat(cut.succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(DATA)).isPresent();
    assertResumedWithLittleResent(cutAt, total);
  }

  @Test
  void aReceiverKilledMidwayResumes() {
    SnapshotName latest = bigIncrementalPending();
    SnapshotName base = nodes.active.listSnapshots(DATA).snapshots().get(0).name();
    long total = streamSize(base, latest);
    long cutAt = total * 3 / 4;
    nodes.passive.killNextReceiveAfter(cutAt);

    PullReport killed = nodes.pull();

    assertThat(killed.succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(DATA)).isPresent();
    assertResumedWithLittleResent(cutAt, total);
  }

  @Test
  void aStaleTokenIsAbortedAndTheNextPlanRuns() {
    SnapshotName latest = bigIncrementalPending();
    nodes.active.cutNextSendAfter(1 << 20);
    assertThat(nodes.pull().succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(DATA)).isPresent();
    // The snapshot being sent is gone from the active (its retention, an operator).
    nodes.active.destroySnapshot(DATA.snapshot(latest.shortName()));
    nodes.active.writeFile(DATA, "other", "y");
    SnapshotName next = nodes.snapshotActive();

    assertDroppedAndReceivedAfresh(nodes.pull(), next);
  }

  /**
   * Seen on OpenZFS 2.1 (ReplicationOpenZfsIT): an operator's snapshot on the passive, taken while
   * a receive was interrupted, makes its partial state unresumable: every {@code zfs send -t} is
   * refused by the receiver ({@code cannot receive resume stream: kernel modules must be upgraded
   * to receive this stream.}), and the passive tried it again every cycle, never replicating again.
   * The partial state is dropped (it holds only what the active still has) and the plan runs, over
   * the operator's snapshot.
   */
  @Test
  void aTokenTheReceiverRefusesIsAbortedAndTheNextPlanRuns() {
    bigIncrementalPending();
    nodes.passive.killNextReceiveAfter(1 << 20);
    assertThat(nodes.pull().succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(DATA)).isPresent();
    nodes.passive.snapshot(DATA, "operator-before-upgrade", false);
    nodes.active.writeFile(DATA, "other", "y");
    SnapshotName next = nodes.snapshotActive();

    assertDroppedAndReceivedAfresh(nodes.pull(), next);
    assertThat(nodes.passive.files(DATA).get("big")).hasSize(4 << 20);
    assertThat(nodes.passive.resumeToken(DATA)).isEmpty();
  }

  /**
   * An {@code -I} stream applies each of its snapshots as it arrives, so a transfer cut midway
   * leaves the first ones on the passive. When the active then destroys what it sent (an operator,
   * or its retention), the passive holds snapshots after the common one that the active no longer
   * has: the active's expiry overtaking the passive, not writes on both sides. Found by the OpenZFS
   * suite, where the passive stopped as diverged.
   */
  @Test
  void snapshotsTheActiveDestroyedAfterSendingThemAreRolledBackAndReplicationGoesOn() {
    nodes.active.createFilesystem(DATA);
    SnapshotName base = nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.writeFile(DATA, "small", "x");
    SnapshotName carried = nodes.snapshotActive();
    nodes.active.writeFile(DATA, "big", new byte[4 << 20]);
    SnapshotName last = nodes.snapshotActive();
    nodes.active.cutNextSendAfter(streamSize(base, last) / 2);
    assertThat(nodes.pull().succeeded()).isFalse();
    assertThat(nodes.passive.listSnapshots(DATA).snapshots())
        .as("the stream's first snapshot was applied before the cut")
        .anyMatch(s -> s.name().shortName().equals(carried.shortName()));
    nodes.active.destroySnapshot(DATA.snapshot(carried.shortName()));
    nodes.active.destroySnapshot(DATA.snapshot(last.shortName()));
    nodes.active.writeFile(DATA, "after", "z");
    nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.summary()).startsWith("tank: ok");
    assertThat(report.notes())
        .anyMatch(n -> n.contains("the source destroyed them while they were being received"));
    assertThat(nodes.passive.listSnapshots(DATA).snapshots().stream().map(s -> s.guid()))
        .containsExactlyElementsOf(
            nodes.active.listSnapshots(DATA).snapshots().stream().map(s -> s.guid()).toList());
    var onActive = nodes.active.files(DATA);
    var onPassive = nodes.passive.files(DATA);
    assertThat(onPassive.keySet()).isEqualTo(onActive.keySet());
    onActive.forEach((name, bytes) -> assertThat(onPassive.get(name)).as(name).isEqualTo(bytes));
    assertThat(nodes.passive.resumeToken(DATA)).isEmpty();
  }

  @Test
  void anInterruptedBootstrapOfANewDatasetResumes() {
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "big", new byte[4 << 20]);
    nodes.snapshotActive();
    nodes.active.cutNextSendAfter(3 << 20);

    assertThat(nodes.pull().succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(DATA)).isPresent();
    PullReport resumed = nodes.pull();

    assertThat(resumed.succeeded()).as(resumed.summary()).isTrue();
    assertThat(resumed.bytes()).isLessThan(2 << 20);
    assertThat(nodes.passive.files(DATA).get("big")).hasSize(4 << 20);
    // Resumed unmounted, as every receive on OpenZFS (mounting it where it lands needs a
    // directory in the passive's read-only root), then mounted read-only in its place.
    assertThat(nodes.passive.commands())
        .filteredOn(argv -> argv.get(0).equals("receive") && argv.contains("-s"))
        .allSatisfy(argv -> assertThat(argv).contains("-u"));
    assertThat(nodes.passive.isMounted(DATA)).as("tank/data mounted on the passive").isTrue();
  }

  @Test
  void aResumedBootstrapContinuesIncrementallyWithTheFlagsItWasSentWith() {
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "big", new byte[4 << 20]);
    nodes.snapshotActive();
    nodes.active.cutNextSendAfter(3 << 20);
    assertThat(nodes.pull().succeeded()).isFalse();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.writeFile(DATA, "next", "n");
    nodes.snapshotActive();

    PullReport next = nodes.pull();

    assertThat(next.succeeded()).as(next.summary()).isTrue();
    assertThat(new String(nodes.passive.files(DATA).get("next"))).isEqualTo("n");
  }
}
