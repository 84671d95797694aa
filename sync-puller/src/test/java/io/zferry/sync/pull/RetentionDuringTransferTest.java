package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.schedule.RetentionPolicy;
import io.zferry.snapshot.schedule.SnapshotRound;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The active's retention runs while a child dataset's receive is interrupted: the pool's root is
 * already past the snapshot the child was receiving, so sparing the passive's newest applied
 * snapshot does not spare what the resume needs.
 */
class RetentionDuringTransferTest {
  static final DatasetName BIG = TANK.child("big");
  static final int BIG_BYTES = 4 << 20;
  static final int CUT_AT = 3 << 20;

  final FakeNodes nodes = FakeNodes.openZfs();
  Optional<PullReport> lastReport = Optional.empty();
  final SnapshotRound round =
      new SnapshotRound(
              nodes.active,
              TANK,
              nodes.clock,
              () -> new RetentionPolicy(3),
              () -> lastReport.flatMap(PullReport::newestApplied).map(Snapshot::guid))
          .sparingTransfers(
              () ->
                  lastReport.stream()
                      .flatMap(r -> r.receiving().stream())
                      .map(Snapshot::guid)
                      .collect(Collectors.toSet()),
              () -> SnapshotRound.DEFAULT_TRANSFER_KEEP_LIMIT);

  PullReport pull() {
    PullReport report = nodes.pull();
    lastReport = Optional.of(report);
    return report;
  }

  void rounds(int count) {
    for (int i = 0; i < count; i++) {
      nodes.clock.advance(Duration.ofSeconds(15));
      round.run();
    }
  }

  @Test
  void aResumeAfterRetentionRanResendsOnlyTheRest() {
    nodes.active.createFilesystem(BIG);
    rounds(1);
    assertThat(pull().succeeded()).isTrue();
    nodes.active.writeFile(BIG, "big", new byte[BIG_BYTES]);
    rounds(1);
    nodes.active.writeFile(BIG, "small", "s".getBytes());
    rounds(1);
    nodes.passive.killNextReceiveAfter(CUT_AT);

    PullReport killed = pull();

    assertThat(killed.succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(BIG)).isPresent();
    // The root arrived whole: the passive's newest applied snapshot is past what BIG was receiving.
    assertThat(killed.newestApplied()).isPresent();
    // What BIG's resume needs is reported: the base of its stream, the oldest snapshot it needs.
    assertThat(killed.receiving())
        .extracting(Snapshot::guid)
        .containsExactly(
            nodes.passive.listSnapshots(BIG).snapshots().stream()
                .filter(s -> s.dataset().equals(BIG))
                .reduce((a, b) -> b)
                .orElseThrow()
                .guid());

    rounds(4);
    PullReport resumed = pull();
    PullReport next = pull();

    assertThat(resumed.notes()).noneMatch(n -> n.contains("could not be resumed"));
    assertThat(nodes.active.commands())
        .anyMatch(c -> c.get(0).equals("send") && c.get(1).equals("-t"));
    assertThat(next.succeeded()).as(next.summary()).isTrue();
    assertThat(next.receiving()).isEmpty();
    assertThat(resumed.bytes() + next.bytes())
        .as("bytes sent after the kill, of a %d-byte file cut at %d", BIG_BYTES, CUT_AT)
        .isLessThan(BIG_BYTES - CUT_AT + (256 << 10));
    assertThat(nodes.passive.files(BIG).get("big")).hasSize(BIG_BYTES);
    assertThat(nodes.passive.files(BIG).get("small")).isNotNull();
  }

  /** A bootstrap that outlives the retention window: snapshots every 15 s, kept 3. */
  @Test
  void anInterruptedBootstrapResumesAfterMoreRoundsThanTheActiveKeeps() {
    rounds(1);
    assertThat(pull().succeeded()).isTrue();
    nodes.active.createFilesystem(BIG);
    nodes.active.writeFile(BIG, "big", new byte[BIG_BYTES]);
    rounds(1);
    nodes.passive.killNextReceiveAfter(CUT_AT);
    assertThat(pull().succeeded()).isFalse();
    assertThat(nodes.passive.resumeToken(BIG)).isPresent();

    rounds(20);
    PullReport resumed = pull();
    PullReport next = pull();

    assertThat(resumed.notes()).noneMatch(n -> n.contains("could not be resumed"));
    assertThat(next.succeeded()).as(next.summary()).isTrue();
    assertThat(resumed.bytes() + next.bytes()).isLessThan(BIG_BYTES - CUT_AT + (256 << 10));
    assertThat(nodes.passive.files(BIG).get("big")).hasSize(BIG_BYTES);
    assertThat(next.receiving()).isEmpty();
    // Once the transfer is done, the active's retention catches up with its count.
    rounds(1);
    assertThat(nodes.active.listSnapshots(BIG).snapshots())
        .filteredOn(s -> s.dataset().equals(BIG))
        .hasSize(3);
  }
}
