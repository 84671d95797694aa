package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.schedule.RetentionPolicy;
import io.zferry.snapshot.schedule.SnapshotRound;
import io.zferry.snapshot.zfs.DatasetName;
import java.time.Duration;
import java.util.Optional;
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
