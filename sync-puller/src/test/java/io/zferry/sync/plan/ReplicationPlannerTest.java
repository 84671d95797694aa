package io.zferry.sync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicationPlannerTest {
  /** {@code "@name,guid"} entries in creation order; createtxg grows with the position. */
  static List<Snapshot> snaps(String... entries) {
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      String[] parts = entries[i].split(",");
      snapshots.add(
          new Snapshot(
              SnapshotName.parse("tank" + parts[0]),
              new Guid(Long.parseLong(parts[1])),
              10L * (i + 1),
              Instant.ofEpochSecond(1_795_000_000L + 60L * i)));
    }
    return snapshots;
  }

  /** A compact rendering of a plan: kind, key snapshots, expire list. */
  static String render(Plan plan) {
    String body;
    if (plan instanceof Plan.NothingToSend) {
      body = "nothing";
    } else if (plan instanceof Plan.UpToDate p) {
      body = "uptodate " + p.latest().name().shortName();
    } else if (plan instanceof Plan.Incremental p) {
      body =
          "incremental "
              + p.common().name().shortName()
              + ".."
              + p.latest().name().shortName()
              + " "
              + shortNames(p.missing());
    } else if (plan instanceof Plan.Bootstrap p) {
      body =
          "bootstrap "
              + p.snapshot().name().shortName()
              + " aside "
              + shortNames(p.targetSnapshots());
    } else if (plan instanceof Plan.ForeignAfterCommon p) {
      body =
          "foreign "
              + p.common().name().shortName()
              + ".."
              + p.latest().name().shortName()
              + " "
              + shortNames(p.missing())
              + " over "
              + shortNames(p.foreign());
    } else {
      Plan.Diverged p = (Plan.Diverged) plan;
      body =
          "diverged "
              + p.common().name().shortName()
              + " sourceOnly "
              + shortNames(p.sourceOnly())
              + " targetOnly "
              + shortNames(p.targetOnly());
    }
    return plan.expire().isEmpty() ? body : body + " expire " + shortNames(plan.expire());
  }

  private static String shortNames(List<Snapshot> snapshots) {
    return snapshots.stream().map(s -> s.name().shortName()).toList().toString();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("both empty", snaps(), snaps(), "nothing"),
        Arguments.of("first snapshot", snaps("@a,1"), snaps(), "bootstrap a aside []"),
        Arguments.of(
            "bootstrap sends the newest",
            snaps("@a,1", "@b,2", "@c,3"),
            snaps(),
            "bootstrap c aside []"),
        Arguments.of("equal", snaps("@a,1", "@b,2"), snaps("@a,1", "@b,2"), "uptodate b"),
        Arguments.of("one behind", snaps("@a,1", "@b,2"), snaps("@a,1"), "incremental a..b [b]"),
        Arguments.of(
            "several behind, intermediates come along",
            snaps("@a,1", "@b,2", "@c,3", "@d,4"),
            snaps("@a,1", "@b,2"),
            "incremental b..d [c, d]"),
        Arguments.of(
            "source retention expired old snapshots",
            snaps("@c,3", "@d,4"),
            snaps("@a,1", "@b,2", "@c,3"),
            "incremental c..d [d] expire [a, b]"),
        Arguments.of(
            "up to date and expiring",
            snaps("@c,3"),
            snaps("@a,1", "@c,3"),
            "uptodate c expire [a]"),
        Arguments.of(
            "the common snapshot is the newest shared, not the first",
            snaps("@a,1", "@b,2", "@c,3", "@e,5"),
            snaps("@a,1", "@c,3"),
            "incremental c..e [e]"),
        Arguments.of(
            "target kept a snapshot the source expired, between common ones",
            snaps("@a,1", "@c,3", "@d,4"),
            snaps("@a,1", "@b,2", "@c,3"),
            "incremental c..d [d] expire [b]"),
        Arguments.of(
            "no common snapshot left: bootstrap, setting the target aside",
            snaps("@x,10", "@y,11"),
            snaps("@a,1", "@b,2"),
            "bootstrap y aside [a, b]"),
        Arguments.of(
            "equal names but different GUIDs are not common",
            snaps("@a,1", "@b,2"),
            snaps("@a,91", "@b,92"),
            "bootstrap b aside [a, b]"),
        Arguments.of(
            "a renamed snapshot is still common by GUID",
            snaps("@a,1", "@b-renamed,2", "@c,3"),
            snaps("@a,1", "@b,2"),
            "incremental b-renamed..c [c]"),
        Arguments.of(
            "equal name after the common one with another GUID diverges",
            snaps("@a,1", "@b,2"),
            snaps("@a,1", "@b,99"),
            "diverged a sourceOnly [b] targetOnly [b]"),
        Arguments.of(
            "target wrote snapshots of its own after failover",
            snaps("@a,1", "@b,2", "@c,3"),
            snaps("@a,1", "@b,2", "@t1,50", "@t2,51"),
            "diverged b sourceOnly [c] targetOnly [t1, t2]"),
        Arguments.of(
            "diverged with nothing new on the source",
            snaps("@a,1", "@b,2"),
            snaps("@a,1", "@b,2", "@t1,50"),
            "diverged b sourceOnly [] targetOnly [t1]"),
        Arguments.of(
            "source lost every snapshot: nothing to send, the target is kept",
            snaps(),
            snaps("@a,1"),
            "nothing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(String description, List<Snapshot> source, List<Snapshot> target, String expected) {
    assertThat(render(ReplicationPlanner.plan(source, target, ALL_OWN))).isEqualTo(expected);
  }

  /** The table above names snapshots briefly; every one of them counts as zferry's. */
  static final java.util.function.Predicate<SnapshotName> ALL_OWN = name -> true;

  /** Below, snapshots whose names start with "op" are an operator's or another tool's. */
  static final java.util.function.Predicate<SnapshotName> OP_IS_FOREIGN =
      name -> !name.shortName().startsWith("op");

  static Stream<Arguments> foreignTable() {
    return Stream.of(
        Arguments.of(
            "an operator snapshot on the target with something new to receive",
            snaps("@a,1", "@b,2"),
            snaps("@a,1", "@op,50"),
            "foreign a..b [b] over [op]"),
        Arguments.of(
            "an operator snapshot on the target and nothing new",
            snaps("@a,1"),
            snaps("@a,1", "@op,50"),
            "uptodate a"),
        Arguments.of(
            "an operator snapshot beside zferry's own after the common one is a divergence",
            snaps("@a,1", "@b,2"),
            snaps("@a,1", "@op,50", "@t,51"),
            "diverged a sourceOnly [b] targetOnly [op, t]"),
        Arguments.of(
            "operator snapshots the source no longer has are never expired",
            snaps("@b,2", "@c,3"),
            snaps("@a,1", "@op,40", "@b,2"),
            "incremental b..c [c] expire [a]"),
        Arguments.of(
            "operator snapshots on the source come with the incremental",
            snaps("@a,1", "@op,40", "@b,2"),
            snaps("@a,1"),
            "incremental a..b [op, b]"),
        Arguments.of(
            "an operator snapshot alone on the target is no common one: bootstrap",
            snaps("@a,1"),
            snaps("@op,50"),
            "bootstrap a aside [op]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignTable")
  void foreignSnapshots(
      String description, List<Snapshot> source, List<Snapshot> target, String expected) {
    assertThat(render(ReplicationPlanner.plan(source, target, OP_IS_FOREIGN))).isEqualTo(expected);
  }

  @Test
  void aBookmarkOfTheTargetsNewestSnapshotAvoidsABootstrap() {
    List<Snapshot> source = snaps("@x,10", "@y,11");
    List<Snapshot> target = snaps("@a,1", "@b,2");
    io.zferry.snapshot.zfs.Bookmark ofB =
        new io.zferry.snapshot.zfs.Bookmark(
            io.zferry.snapshot.zfs.DatasetName.of("tank"),
            "b",
            new Guid(2),
            5,
            Instant.ofEpochSecond(1_795_000_000L));
    Plan plan = ReplicationPlanner.plan(source, target, ALL_OWN, List.of(ofB));
    assertThat(plan)
        .isInstanceOfSatisfying(
            Plan.FromBookmark.class,
            p -> {
              assertThat(p.base()).isEqualTo(ofB);
              assertThat(p.latest().name().shortName()).isEqualTo("y");
              assertThat(shortNames(p.expire())).isEqualTo("[a]");
            });
    io.zferry.snapshot.zfs.Bookmark ofA =
        new io.zferry.snapshot.zfs.Bookmark(
            io.zferry.snapshot.zfs.DatasetName.of("tank"),
            "a",
            new Guid(1),
            4,
            Instant.ofEpochSecond(1_795_000_000L));
    assertThat(ReplicationPlanner.plan(source, target, ALL_OWN, List.of(ofA)))
        .as("only the target's newest snapshot can be the base")
        .isInstanceOf(Plan.Bootstrap.class);
  }

  @Test
  void byDefaultOnlyZferrysNamesAreOwn() {
    Plan plan =
        ReplicationPlanner.plan(
            snaps("@zferry-20261201-100000,1", "@zferry-20261201-100100,2"),
            snaps("@zferry-20261201-100000,1", "@operator-before-upgrade,9"));
    assertThat(plan).isInstanceOf(Plan.ForeignAfterCommon.class);
  }

  @Test
  void inputOrderDoesNotMatterOnlyCreationTxg() {
    List<Snapshot> source = new ArrayList<>(snaps("@a,1", "@b,2", "@c,3"));
    List<Snapshot> target = new ArrayList<>(snaps("@a,1", "@b,2"));
    java.util.Collections.reverse(source);
    java.util.Collections.reverse(target);
    assertThat(render(ReplicationPlanner.plan(source, target, ALL_OWN)))
        .isEqualTo("incremental b..c [c]");
  }

  @Test
  void everyPlanExplainsItself() {
    assertThat(ReplicationPlanner.plan(snaps("@a,1", "@b,2"), snaps("@a,1")).describe())
        .isEqualTo("incremental from a to b (1 snapshot)");
    assertThat(
            ReplicationPlanner.plan(snaps("@a,1", "@b,2"), snaps("@a,1", "@t,9"), ALL_OWN)
                .describe())
        .isEqualTo(
            "diverged after a: the target alone has [t], the source alone has 1 newer snapshot(s)");
  }

  /** What the source's retention must keep for a plan's transfer, to resume it if cut. */
  @Test
  void aTransferNeedsItsBaseAndEverySnapshotItsStreamCarries() {
    List<Snapshot> source = snaps("@a,1", "@b,2", "@c,3", "@d,4");
    assertThat(shortNames(ReplicationPlanner.plan(source, snaps("@a,1", "@b,2")).transferNeeds()))
        .isEqualTo("[b, c, d]");
    assertThat(shortNames(ReplicationPlanner.plan(source, List.of()).transferNeeds()))
        .isEqualTo("[d]");
    assertThat(
            ReplicationPlanner.plan(source, snaps("@a,1", "@b,2", "@c,3", "@d,4")).transferNeeds())
        .isEmpty();
    assertThat(ReplicationPlanner.plan(List.of(), List.of()).transferNeeds()).isEmpty();
    io.zferry.snapshot.zfs.Bookmark ofB =
        new io.zferry.snapshot.zfs.Bookmark(
            io.zferry.snapshot.zfs.DatasetName.of("tank"),
            "b",
            new Guid(2),
            20,
            Instant.ofEpochSecond(1_795_000_060L));
    assertThat(
            shortNames(
                ReplicationPlanner.plan(
                        snaps("@c,3", "@d,4"), snaps("@a,1", "@b,2"), ALL_OWN, List.of(ofB))
                    .transferNeeds()))
        .as("a bookmark base is no snapshot to keep")
        .isEqualTo("[d]");
  }

  @Test
  void snapshotsTheSourceSentAndThenDestroyedAreDroppedNotADivergence() {
    // The target took a, b, c of an -I stream a..d before it was cut; the source then destroyed
    // b, c and d and took e.
    List<Snapshot> source = snaps("@a,1", "@e,5");
    List<Snapshot> target = snaps("@a,1", "@b,2", "@c,3");
    java.util.Set<Guid> carried =
        java.util.Set.of(new Guid(1), new Guid(2), new Guid(3), new Guid(4));

    Plan plan = ReplicationPlanner.plan(source, target, ALL_OWN, List.of(), carried);

    assertThat(plan).isInstanceOf(Plan.DroppedBySource.class);
    Plan.DroppedBySource dropped = (Plan.DroppedBySource) plan;
    assertThat(dropped.common().name().shortName()).isEqualTo("a");
    assertThat(shortNames(dropped.dropped())).isEqualTo("[b, c]");
    assertThat(shortNames(dropped.missing())).isEqualTo("[e]");
    assertThat(shortNames(plan.transferNeeds())).isEqualTo("[a, e]");
    assertThat(plan.describe())
        .isEqualTo(
            "roll back [b, c] to a (the source destroyed them while they were being received),"
                + " then incremental to e (1 snapshot)");
  }

  @Test
  void aSnapshotAfterTheCommonOneThatNoTransferCarriedIsStillADivergence() {
    List<Snapshot> source = snaps("@a,1", "@e,5");
    // c was never sent by the source: written on the target (after a failover, say).
    List<Snapshot> target = snaps("@a,1", "@b,2", "@c,33");
    java.util.Set<Guid> carried = java.util.Set.of(new Guid(1), new Guid(2), new Guid(3));

    assertThat(ReplicationPlanner.plan(source, target, ALL_OWN, List.of(), carried))
        .isInstanceOf(Plan.Diverged.class);
    assertThat(
            ReplicationPlanner.plan(
                source, target.subList(0, 2), ALL_OWN, List.of(), java.util.Set.of()))
        .as("without the memory of the transfer, b is a divergence as before")
        .isInstanceOf(Plan.Diverged.class);
  }
}
