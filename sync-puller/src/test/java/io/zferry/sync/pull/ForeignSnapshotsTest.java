package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Snapshots zferry did not make (an operator's, sanoid's) coexist with replication. */
class ForeignSnapshotsTest {
  static final DatasetName DATA = TANK.child("data");
  final FakeNodes nodes = FakeNodes.openZfs();

  void replicatedOnce() {
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "f", "one");
    nodes.snapshotActive();
    PullReport first = nodes.pull();
    assertThat(first.succeeded()).as(first.summary()).isTrue();
  }

  static List<String> names(FakeZfs zfs, DatasetName dataset) {
    return zfs.listSnapshots(dataset).snapshots().stream()
        .filter(s -> s.dataset().equals(dataset))
        .map(s -> s.name().shortName())
        .toList();
  }

  @Test
  void anOperatorSnapshotWithoutDataOnThePassiveIsRolledBackAnnouncedAndNothingIsLost() {
    replicatedOnce();
    SnapshotName operator = nodes.passive.snapshot(TANK, "operator-before-upgrade", false);
    nodes.active.writeFile(DATA, "f", "two");
    SnapshotName second = nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.diverged()).as(report.summary()).isFalse();
    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside()).isEmpty();
    assertThat(report.foreignRolledBack())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.snapshots()).containsExactly(operator);
              assertThat(r.dataset()).isEqualTo(TANK);
            });
    assertThat(report.notes()).anyMatch(n -> n.contains("operator-before-upgrade"));
    assertThat(nodes.passive.destroyed())
        .extracting(FakeZfs.Destroyed::snapshot)
        .containsExactly(operator);
    assertThat(nodes.passive.discardedWrites()).isEmpty();
    assertThat(report.newestApplied().map(Snapshot::name)).hasValue(second);
    assertThat(new String(nodes.passive.files(DATA).get("f"))).isEqualTo("two");
  }

  @Test
  void anOperatorSnapshotWithUniqueDataIsADivergenceWithEvidenceAndNothingIsDestroyed() {
    replicatedOnce();
    nodes.passive.setProperty(TANK, PropertyName.of("readonly"), "off");
    // OpenZFS's passive receives new datasets unmounted (-u); the operator mounts it to write.
    nodes.passive.mount(DATA);
    nodes.passive.writeFile(DATA, "only-on-b", "precious");
    SnapshotName operator = nodes.passive.snapshot(DATA, "before-upgrade", false);
    SnapshotName first = nodes.passive.listSnapshots(TANK).snapshots().get(0).name();
    nodes.active.writeFile(DATA, "f", "two");
    SnapshotName latest = nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.diverged()).isTrue();
    DatasetOutcome.Diverged diverged =
        report.outcomes().stream()
            .filter(o -> o instanceof DatasetOutcome.Diverged)
            .map(o -> (DatasetOutcome.Diverged) o)
            .findFirst()
            .orElseThrow();
    assertThat(diverged.dataset()).isEqualTo(DATA);
    assertThat(diverged.evidence())
        .anySatisfy(
            e -> {
              assertThat(e.snapshot()).hasValue(operator);
              assertThat(e.writtenBytes()).isGreaterThan(0);
            });
    assertThat(nodes.passive.destroyed()).isEmpty();
    assertThat(names(nodes.passive, DATA)).contains("before-upgrade");
    // The pool's root had nothing of its own and went on; the diverged child kept its common one.
    assertThat(report.newestApplied().map(s -> s.name().shortName())).hasValue(latest.shortName());
    assertThat(names(nodes.passive, DATA)).startsWith(first.shortName());
  }

  @Test
  void anOperatorSnapshotIsLeftAloneWhileThereIsNothingNewToReceive() {
    replicatedOnce();
    nodes.passive.snapshot(TANK, "operator", true);

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.diverged()).isFalse();
    assertThat(names(nodes.passive, TANK)).contains("operator");
    assertThat(nodes.passive.destroyed()).isEmpty();
  }

  @Test
  void snapshotsOfOtherToolsOnTheActiveArriveWithTheIncremental() {
    replicatedOnce();
    nodes.active.writeFile(DATA, "f", "two");
    nodes.active.snapshot(TANK, "autosnap_2026-12-01_10:01:30_hourly", true);
    nodes.snapshotActive();

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(names(nodes.passive, DATA)).contains("autosnap_2026-12-01_10:01:30_hourly");
  }

  @Test
  void expiryDestroysOnlyZferrysOwnSnapshots() {
    nodes.active.createFilesystem(DATA);
    SnapshotName own = nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    nodes.active.snapshot(TANK, "operator", true);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    assertThat(names(nodes.passive, TANK)).hasSize(3);

    nodes.active.destroySnapshot(own);
    nodes.active.destroySnapshot(TANK.snapshot("operator"));
    nodes.snapshotActive();
    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.expired()).containsExactly(own);
    assertThat(names(nodes.passive, TANK)).contains("operator").doesNotContain(own.shortName());
  }
}
