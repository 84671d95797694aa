package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.schedule.RetentionPolicy;
import io.zferry.snapshot.schedule.SnapshotRound;
import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A passive away longer than the active keeps snapshots continues from a bookmark. */
class BookmarkResumeTest {
  static final DatasetName DATA = TANK.child("data");

  @Test
  void aPassiveOffForAWeekResumesIncrementallyFromABookmark() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "f", new byte[1 << 20]);
    SnapshotRound round =
        new SnapshotRound(
            nodes.active, TANK, nodes.clock, () -> new RetentionPolicy(3), Optional::empty);
    round.run();
    assertThat(nodes.pull().succeeded()).isTrue();
    long firstBytes = nodes.passive.poolUsed("tank");

    // A week of hourly rounds while the passive is off; the active keeps 3 snapshots.
    for (int hour = 0; hour < 7 * 24; hour++) {
      nodes.clock.advance(Duration.ofHours(1));
      nodes.active.writeFile(DATA, "log", ("hour " + hour).getBytes());
      round.run();
    }
    assertThat(nodes.active.listSnapshots(DATA).snapshots()).hasSize(3);

    PullReport report = nodes.pull();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside()).isEmpty();
    assertThat(report.outcomes())
        .allSatisfy(o -> assertThat(o.describe()).contains("incremental from bookmark"));
    assertThat(nodes.active.commands())
        .anyMatch(
            c ->
                c.get(0).equals("send")
                    && c.contains("-i")
                    && c.stream().anyMatch(a -> a.contains("#")));
    assertThat(report.bytes()).isLessThan(firstBytes / 10);
    assertThat(new String(nodes.passive.files(DATA).get("log"))).isEqualTo("hour 167");
    assertThat(nodes.passive.destroyed())
        .allSatisfy(d -> assertThat(d.cause()).isEqualTo("destroy"));
  }

  /**
   * Bookmarks behind the snapshot the passive reports as applied go at once: a passive never sends
   * from an older base than its newest snapshot. The one it reports stays while it is away, so it
   * still resumes incrementally after a week.
   */
  @Test
  void bookmarksBehindThePassivesNewestSnapshotGoAndItsOwnStays() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createFilesystem(DATA);
    nodes.active.writeFile(DATA, "f", new byte[1 << 20]);
    AtomicReference<Optional<Guid>> applied = new AtomicReference<>(Optional.empty());
    SnapshotRound round =
        new SnapshotRound(
            nodes.active, TANK, nodes.clock, () -> new RetentionPolicy(3), applied::get);
    for (int minute = 0; minute < 60; minute++) {
      nodes.clock.advance(Duration.ofMinutes(1));
      nodes.active.writeFile(DATA, "log", ("minute " + minute).getBytes());
      round.run();
      PullReport report = nodes.pull();
      assertThat(report.succeeded()).as(report.summary()).isTrue();
      applied.set(report.newestApplied().map(Snapshot::guid));
    }
    assertThat(ownBookmarks(nodes, DATA))
        .as("the bookmark of the passive's newest snapshot and the newest")
        .hasSizeLessThanOrEqualTo(2)
        .contains(nodes.passive.listSnapshots(DATA).snapshots().get(2).name().shortName());

    // A week of hourly rounds while the passive is off. The active spares the passive's newest
    // snapshot for a day (its hold), then only the bookmark is left of it.
    for (int hour = 0; hour < 7 * 24; hour++) {
      if (hour == 24) {
        applied.set(Optional.empty());
      }
      nodes.clock.advance(Duration.ofHours(1));
      nodes.active.writeFile(DATA, "log", ("hour " + hour).getBytes());
      round.run();
    }
    assertThat(ownBookmarks(nodes, DATA)).hasSizeBetween(7 * 24, 7 * 24 + 2);

    PullReport report = nodes.pull();
    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside()).isEmpty();
    assertThat(report.outcomes())
        .allSatisfy(o -> assertThat(o.describe()).contains("incremental from bookmark"));
    assertThat(new String(nodes.passive.files(DATA).get("log"))).isEqualTo("hour 167");
  }

  /**
   * A dataset whose transfer failed is behind the pool root: the base the passive reports for it
   * keeps its bookmark, though the root's applied snapshot is newer.
   */
  @Test
  void theBaseOfAFailedTransferKeepsItsBookmark() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createFilesystem(DATA);
    SnapshotRound plain =
        new SnapshotRound(
            nodes.active, TANK, nodes.clock, () -> new RetentionPolicy(3), Optional::empty);
    nodes.clock.advance(Duration.ofMinutes(1));
    plain.run();
    assertThat(nodes.pull().succeeded()).isTrue();
    Snapshot dataBase = nodes.passive.listSnapshots(DATA).snapshots().get(0);
    for (int minute = 0; minute < 5; minute++) {
      nodes.clock.advance(Duration.ofMinutes(1));
      plain.run();
    }
    Guid rootNewest =
        nodes.active.listSnapshots(TANK).snapshots().stream()
            .filter(s -> s.dataset().equals(TANK))
            .reduce((a, b) -> b)
            .orElseThrow()
            .guid();
    SnapshotRound round =
        new SnapshotRound(
                nodes.active,
                TANK,
                nodes.clock,
                () -> new RetentionPolicy(3),
                () -> Optional.of(rootNewest))
            .sparingTransfers(() -> Set.of(dataBase.guid()), () -> Duration.ofDays(7));
    nodes.clock.advance(Duration.ofMinutes(1));
    round.run();

    assertThat(ownBookmarks(nodes, TANK)).hasSize(2);
    assertThat(ownBookmarks(nodes, DATA))
        .as("from the failed transfer's base on")
        .hasSize(7)
        .first()
        .isEqualTo(dataBase.name().shortName());
  }

  private static List<String> ownBookmarks(FakeNodes nodes, DatasetName dataset) {
    return nodes.active.listBookmarks(TANK).stream()
        .filter(b -> b.dataset().equals(dataset) && b.shortName().startsWith("zferry-"))
        .sorted(java.util.Comparator.comparingLong(Bookmark::createTxg))
        .map(Bookmark::shortName)
        .toList();
  }

  @Test
  void theActiveBookmarksEachRoundAndExpiresItsBookmarksAfterTheirRetention() {
    FakeNodes nodes = FakeNodes.openZfs();
    nodes.active.createFilesystem(DATA);
    nodes.active.snapshot(TANK, "operator", true);
    nodes.active.bookmark(TANK.snapshot("operator"), "operator");
    SnapshotRound round =
        new SnapshotRound(
            nodes.active, TANK, nodes.clock, () -> new RetentionPolicy(2), Optional::empty);
    for (int day = 0; day < 40; day++) {
      nodes.clock.advance(Duration.ofDays(1));
      round.run();
    }
    long ownOnData =
        nodes.active.listBookmarks(TANK).stream()
            .filter(b -> b.dataset().equals(DATA) && b.shortName().startsWith("zferry-"))
            .count();
    assertThat(ownOnData).isBetween(29L, 31L);
    assertThat(nodes.active.listBookmarks(TANK)).anyMatch(b -> b.shortName().equals("operator"));

    FakeNodes fuse = FakeNodes.zfsFuse();
    new SnapshotRound(fuse.active, TANK, fuse.clock, () -> new RetentionPolicy(2), Optional::empty)
        .run();
    assertThat(fuse.active.commands()).noneMatch(c -> c.get(0).equals("bookmark"));
  }
}
