package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CatchUpTest {
  private static final DatasetName TANK = DatasetName.of("tank");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Deque<Optional<PullReport>> reports = new ArrayDeque<>();
  private boolean locked;
  private int pulls;

  private CatchUp catchUp() {
    return new CatchUp(
        "node-b",
        () -> {
          pulls++;
          return reports.isEmpty() ? Optional.empty() : reports.poll();
        },
        () -> locked,
        clock::nanoTime,
        () -> clock.advance(Duration.ofSeconds(1)));
  }

  private static PullReport report(DatasetOutcome outcome, Optional<Snapshot> newest) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    return new PullReport(
        TANK, at, at, List.of(outcome), newest, List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void appliesTheFinalSnapshotAfterAFailedConnection() {
    reports.add(Optional.empty());
    Snapshot last = new Snapshot(SnapshotName.parse("tank@final"), new Guid(42), 9, Instant.EPOCH);
    reports.add(
        Optional.of(
            report(new DatasetOutcome.Received(TANK, "incremental", 10), Optional.of(last))));

    assertThat(catchUp().run("tank@final", "42")).isEqualTo("applied tank@final");
    assertThat(pulls).isEqualTo(2);
  }

  @Test
  void givesUpAtOnceWhenTheSyncIsLocked() {
    locked = true;

    assertThatThrownBy(() -> catchUp().run("tank@final", "42"))
        .hasMessageContaining("the sync is locked on node-b")
        .hasMessageContaining("retrying will not help");
    assertThat(clock.nanoTime()).as("no 30-minute wait").isZero();
  }

  @Test
  void givesUpAtOnceWhenTheCopiesDiverged() {
    reports.add(
        Optional.of(report(new DatasetOutcome.Diverged(TANK, "diverged"), Optional.empty())));

    assertThatThrownBy(() -> catchUp().run("tank@final", "42"))
        .hasMessageContaining("the copies diverged");
    assertThat(pulls).isEqualTo(1);
  }

  @Test
  void givesUpAtOnceWhenThePoolIsFull() {
    reports.add(
        Optional.of(
            report(
                new DatasetOutcome.Failed(TANK, "incremental", "cannot receive: out of space"),
                Optional.empty())));

    assertThatThrownBy(() -> catchUp().run("tank@final", "42"))
        .hasMessageContaining("the pool is full");
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
            () -> locked,
            clock::nanoTime,
            () -> clock.advance(Duration.ofMinutes(1)));

    assertThatThrownBy(() -> catchUp.run("tank@final", "42")).hasMessageContaining("within 30m");
    assertThat(pulls).isEqualTo(30);
  }
}
