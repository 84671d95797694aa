package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.testing.MutableClock;
import io.zferry.service.testing.PullReports;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CatchUpTest {
  private static final DatasetName TANK = DatasetName.of("tank");
  private static final DatasetName CHILD = DatasetName.of("tank/child");
  private static final DatasetName SECRET = DatasetName.of("tank/child/secret");
  private static final FinalSnapshot FINAL =
      new FinalSnapshot(
          SnapshotName.parse("tank@final"),
          Map.of(TANK, new Guid(42), CHILD, new Guid(43), SECRET, new Guid(44)));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Deque<Optional<PullReport>> reports = new ArrayDeque<>();
  // What this node holds after the first, second ... pull; the last entry stays.
  private final List<List<Snapshot>> held = new ArrayList<>();
  private boolean locked;
  private int pulls;

  private CatchUp catchUp() {
    return new CatchUp(
        "node-b",
        () -> {
          pulls++;
          return reports.isEmpty()
              ? Optional.empty()
              : reports.size() > 1 ? reports.poll() : reports.peek();
        },
        () ->
            new SnapshotListing(
                held.isEmpty() ? List.of() : held.get(Math.min(pulls, held.size()) - 1), List.of()),
        () -> locked,
        clock::nanoTime,
        () -> clock.advance(Duration.ofSeconds(1)));
  }

  private static PullReport report(DatasetOutcome... outcomes) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Snapshot root = snapshot("tank@final", 42);
    return PullReports.of(TANK, at, root, List.of(outcomes));
  }

  private static Snapshot snapshot(String name, long guid) {
    return new Snapshot(SnapshotName.parse(name), new Guid(guid), 9, Instant.EPOCH);
  }

  private static List<Snapshot> all() {
    return List.of(
        snapshot("tank@final", 42),
        snapshot("tank/child@final", 43),
        snapshot("tank/child/secret@final", 44));
  }

  private static List<Snapshot> withoutSecret() {
    return List.of(snapshot("tank@final", 42), snapshot("tank/child@final", 43));
  }

  @Test
  void appliesTheFinalSnapshotAfterAFailedConnection() {
    reports.add(Optional.empty());
    reports.add(Optional.of(report(new DatasetOutcome.Received(TANK, "incremental", 10))));
    held.add(List.of());
    held.add(all());

    assertThat(catchUp().run(FINAL))
        .isEqualTo("applied tank@final on 3 dataset(s), each with the active's GUID");
    assertThat(pulls).isEqualTo(2);
  }

  @Test
  void aChildThatNeverArrivesFailsAtTheLimitAndIsNamed() {
    // The pool's root reports the final snapshot applied every cycle: that alone is not enough.
    reports.add(Optional.of(report(new DatasetOutcome.Current(TANK, "up to date"))));
    held.add(withoutSecret());

    assertThatThrownBy(() -> catchUp().run(FINAL))
        .isInstanceOf(OperationException.class)
        .hasMessageContaining("could not apply tank@final within 30m")
        .hasMessageContaining("tank/child/secret is missing (GUID 44 not received)");
    assertThat(pulls).as("retried until the limit").isGreaterThan(1);
  }

  @Test
  void aChildThatArrivesOnALaterPullIsWaitedFor() {
    reports.add(
        Optional.of(report(new DatasetOutcome.Failed(SECRET, "incremental", "connection reset"))));
    reports.add(Optional.of(report(new DatasetOutcome.Received(SECRET, "incremental", 5))));
    held.add(withoutSecret());
    held.add(all());

    assertThat(catchUp().run(FINAL)).startsWith("applied tank@final on 3 dataset(s)");
    assertThat(pulls).isEqualTo(2);
  }

  @Test
  void aChildWhosePullFailedPermanentlyGivesUpAtOnce() {
    reports.add(
        Optional.of(
            report(
                new DatasetOutcome.Failed(
                    SECRET, "bootstrap", "tank/child/secret is encrypted, but ...", true))));
    held.add(withoutSecret());

    assertThatThrownBy(() -> catchUp().run(FINAL))
        .hasMessageContaining("retrying will not help")
        .hasMessageContaining("tank/child/secret is missing")
        .hasMessageContaining("is encrypted");
    assertThat(pulls).isEqualTo(1);
  }

  @Test
  void aChildSkippedBelowAPermanentlyFailedParentGivesUpAtOnce() {
    reports.add(
        Optional.of(
            report(
                new DatasetOutcome.Failed(CHILD, "bootstrap", "cannot send raw", true),
                new DatasetOutcome.Skipped(SECRET, "its parent failed"))));
    held.add(List.of(snapshot("tank@final", 42)));

    assertThatThrownBy(() -> catchUp().run(FINAL))
        .hasMessageContaining("retrying will not help")
        .hasMessageContaining("tank/child is missing")
        .hasMessageContaining("tank/child/secret is missing");
    assertThat(pulls).isEqualTo(1);
  }

  @Test
  void anotherSnapshotOfTheFinalNameIsNotTheFinalSnapshot() {
    reports.add(Optional.of(report(new DatasetOutcome.Current(TANK, "up to date"))));
    List<Snapshot> lying = new ArrayList<>(withoutSecret());
    lying.add(snapshot("tank/child/secret@final", 99));
    held.add(lying);

    assertThatThrownBy(() -> catchUp().run(FINAL))
        .hasMessageContaining("tank/child/secret has another GUID (99, expected 44)");
  }

  @Test
  void givesUpAtOnceWhenTheSyncIsLocked() {
    locked = true;

    assertThatThrownBy(() -> catchUp().run(FINAL))
        .hasMessageContaining("the sync is locked on node-b")
        .hasMessageContaining("retrying will not help");
    assertThat(clock.nanoTime()).as("no 30-minute wait").isZero();
  }

  @Test
  void givesUpAtOnceWhenTheCopiesDiverged() {
    reports.add(Optional.of(report(new DatasetOutcome.Diverged(TANK, "diverged"))));

    assertThatThrownBy(() -> catchUp().run(FINAL)).hasMessageContaining("the copies diverged");
    assertThat(pulls).isEqualTo(1);
  }

  @Test
  void givesUpAtOnceWhenThePoolIsFull() {
    reports.add(
        Optional.of(
            report(
                new DatasetOutcome.Failed(TANK, "incremental", "cannot receive: out of space"))));

    assertThatThrownBy(() -> catchUp().run(FINAL)).hasMessageContaining("the pool is full");
    assertThat(pulls).isEqualTo(1);
  }

  @Test
  void aWallClockStepDoesNotEndTheWaitEarly() {
    CatchUp catchUp =
        new CatchUp(
            "node-b",
            () -> {
              pulls++;
              clock.stepWall(Duration.ofHours(1));
              return Optional.empty();
            },
            () -> new SnapshotListing(List.of(), List.of()),
            () -> locked,
            clock::nanoTime,
            () -> clock.advance(Duration.ofMinutes(1)));

    assertThatThrownBy(() -> catchUp.run(FINAL)).hasMessageContaining("within 30m");
    assertThat(pulls).isEqualTo(30);
  }
}
