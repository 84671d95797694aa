package io.zferry.snapshot.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A snapshot round on the active, on {@link FakeZfs}. */
class SnapshotRoundOnFakeZfsTest {
  static final DatasetName TANK = DatasetName.of("tank");

  @Test
  void aFailedSnapshotStillAppliesRetention() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    FakeZfs zfs = FakeZfs.openZfs("node-a", Clock.fixed(start, ZoneOffset.UTC), 1);
    zfs.createPool("tank", 1L << 30);
    for (int i = 0; i < 5; i++) {
      zfs.snapshot(TANK, SnapshotNaming.shortNameAt(start.minusSeconds(60L * (5 - i))), true);
    }
    zfs.failNext(FakeZfs.Op.SNAPSHOT, 1, "cannot create snapshot 'tank@x': out of space");
    SnapshotRound round =
        new SnapshotRound(
            zfs,
            TANK,
            Clock.fixed(start, ZoneOffset.UTC),
            () -> new RetentionPolicy(2),
            Optional::empty);

    assertThatThrownBy(round::run)
        .isInstanceOf(ZfsCommandException.class)
        .hasMessageContaining("out of space");

    assertThat(zfs.listSnapshots(TANK).snapshots()).hasSize(2);
  }

  @Test
  void ofSeveralPassivesTheOneFurthestBehindKeepsItsBase() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    MutableClock clock = new MutableClock(start);
    FakeZfs zfs = FakeZfs.openZfs("node-a", clock, 1);
    zfs.createPool("tank", 1L << 30);
    List<Snapshot> taken = new ArrayList<>();
    SnapshotRound plain =
        new SnapshotRound(zfs, TANK, clock, () -> new RetentionPolicy(100), Optional::empty);
    for (int i = 0; i < 4; i++) {
      plain.run();
      taken.add(newestOf(zfs));
      clock.advance(Duration.ofMinutes(1));
    }
    // An off-site passive applied the first; a local one the third.
    Set<io.zferry.snapshot.zfs.Guid> applied = Set.of(taken.get(0).guid(), taken.get(2).guid());
    SnapshotRound round =
        SnapshotRound.forPassives(zfs, TANK, clock, () -> new RetentionPolicy(2), () -> applied);

    round.run();

    // Without the passives, two would be left; the off-site passive's base and all after it stay.
    assertThat(zfs.listSnapshots(TANK).snapshots())
        .extracting(Snapshot::guid)
        .startsWith(taken.get(0).guid(), taken.get(1).guid(), taken.get(2).guid())
        .hasSize(5);

    SnapshotRound caughtUp =
        SnapshotRound.forPassives(
            zfs, TANK, clock, () -> new RetentionPolicy(2), () -> Set.of(taken.get(2).guid()));
    clock.advance(Duration.ofMinutes(1));
    caughtUp.run();

    assertThat(zfs.listSnapshots(TANK).snapshots())
        .extracting(Snapshot::guid)
        .startsWith(taken.get(2).guid())
        .doesNotContain(taken.get(0).guid(), taken.get(1).guid());
  }

  /** A round's snapshot, which an operator then holds ({@code zfs hold}). */
  private static Snapshot takenAndHeldByAnOperator(SnapshotRound round, FakeZfs zfs) {
    round.run();
    Snapshot held = newestOf(zfs);
    zfs.hold(held.name(), "operator-keeps-this");
    return held;
  }

  private static Snapshot newestOf(FakeZfs zfs) {
    return zfs.listSnapshots(TANK).snapshots().stream().max(Snapshot.BY_CREATION).orElseThrow();
  }

  @Test
  void whatThePassivesTransferNeedsIsKeptUntilTheLimitAndEachReleaseIsSaidOnce() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    MutableClock clock = new MutableClock(start);
    FakeZfs zfs = FakeZfs.openZfs("node-a", clock, 1);
    zfs.createPool("tank", 1L << 30);
    zfs.createFilesystem(TANK.child("big"));
    SnapshotRound plain =
        new SnapshotRound(zfs, TANK, clock, () -> new RetentionPolicy(2), Optional::empty);
    plain.run();
    clock.advance(Duration.ofMinutes(1));
    plain.run();
    Snapshot receiving =
        zfs.listSnapshots(TANK.child("big")).snapshots().stream()
            .filter(s -> s.dataset().equals(TANK.child("big")))
            .reduce((a, b) -> b)
            .orElseThrow();
    SnapshotRound round =
        plain.sparingTransfers(() -> Set.of(receiving.guid()), () -> Duration.ofHours(1));

    List<SnapshotRound.Result> results = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      clock.advance(Duration.ofMinutes(1));
      results.add(round.run());
    }

    // Round i (i minutes after the reported one was taken) keeps it and the i - 1 after it, which
    // the count would drop, while they are at most an hour old.
    assertThat(results.get(1).keptForTransfer()).containsExactly(receiving.name());
    assertThat(results.get(30).keptForTransfer()).hasSize(30).startsWith(receiving.name());
    // Then it is destroyed and named once; without it the transfer starts over, so the count
    // applies again to the ones after it.
    List<SnapshotName> released =
        results.stream().flatMap(r -> r.releasedPastLimit().stream()).toList();
    assertThat(released).containsExactly(receiving.name());
    assertThat(results.stream().flatMap(r -> r.destroyed().stream())).contains(receiving.name());
    assertThat(zfs.listSnapshots(TANK.child("big")).snapshots())
        .filteredOn(s -> s.dataset().equals(TANK.child("big")))
        .hasSize(2);
    // The pool's root is not what the passive receives: its namesake expired with the count.
    assertThat(zfs.listSnapshots(TANK).snapshots())
        .filteredOn(s -> s.dataset().equals(TANK))
        .noneMatch(s -> s.name().shortName().equals(receiving.name().shortName()));
  }

  @Test
  void aHeldSnapshotIsKeptAndSaidOnceAndExpiresOnceReleased() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    FakeZfs zfs = tankOn(clock);
    SnapshotRound round = keeping(2, zfs, clock);
    Snapshot operators = takenAndHeldByAnOperator(round, zfs);

    List<SnapshotRound.Result> whileHeld = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(1));
      whileHeld.add(round.run());
    }

    assertThat(zfs.listSnapshots(TANK).snapshots())
        .extracting(Snapshot::guid)
        .containsExactly(
            operators.guid(),
            whileHeld.get(2).taken().map(t -> guidOf(zfs, t)).orElseThrow(),
            whileHeld.get(3).taken().map(t -> guidOf(zfs, t)).orElseThrow());
    // Named once, no problem in any round, and asked about without a destroy after the first.
    assertThat(whileHeld.stream().flatMap(r -> r.foundHeld().stream()))
        .containsExactly(operators.name());
    assertThat(whileHeld).allSatisfy(r -> assertThat(r.problems()).isEmpty());
    assertThat(zfs.commands())
        .filteredOn(argv -> argv.equals(List.of("destroy", operators.name().toString())))
        .hasSize(1);

    zfs.release(operators.name(), "operator-keeps-this");
    clock.advance(Duration.ofMinutes(1));
    SnapshotRound.Result released = round.run();

    assertThat(released.destroyed()).contains(operators.name());
    assertThat(released.foundHeld()).isEmpty();
    assertThat(zfs.listSnapshots(TANK).snapshots()).hasSize(2);
  }

  @Test
  void aHeldSnapshotSomeoneElseDestroysIsForgotten() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    FakeZfs zfs = tankOn(clock);
    SnapshotRound round = keeping(1, zfs, clock);
    Snapshot operators = takenAndHeldByAnOperator(round, zfs);
    clock.advance(Duration.ofMinutes(1));
    assertThat(round.run().foundHeld()).containsExactly(operators.name());
    assertThat(round.remembered()).isEqualTo(1);

    zfs.release(operators.name(), "operator-keeps-this");
    zfs.destroySnapshot(operators.name());
    clock.advance(Duration.ofMinutes(1));
    SnapshotRound.Result after = round.run();

    assertThat(after.problems()).isEmpty();
    assertThat(round.remembered()).isZero();
  }

  @Test
  void aDestroyThatFailsForAnotherReasonIsAProblemEveryRound() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    FakeZfs zfs = tankOn(clock);
    SnapshotRound round = keeping(1, zfs, clock);
    round.run();
    clock.advance(Duration.ofMinutes(1));
    zfs.failNext(FakeZfs.Op.DESTROY, 1, "cannot destroy snapshot: I/O error");

    SnapshotRound.Result failed = round.run();

    assertThat(failed.problems()).singleElement().asString().contains("I/O error");
    assertThat(failed.foundHeld()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(round.run().problems()).isEmpty();
    assertThat(zfs.listSnapshots(TANK).snapshots()).hasSize(1);
  }

  @Test
  void aDatasetsExpiredSnapshotsGoInOneCommandAndAHeldOneKeepsOnlyItself() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    FakeZfs zfs = tankOn(clock);
    DatasetName child = TANK.child("a");
    zfs.createFilesystem(child);
    SnapshotRound many = keeping(100, zfs, clock);
    for (int i = 0; i < 6; i++) {
      many.run();
      clock.advance(Duration.ofMinutes(1));
    }
    SnapshotName held =
        zfs.listSnapshots(child).snapshots().stream()
            .filter(s -> s.dataset().equals(child))
            .toList()
            .get(1)
            .name();
    zfs.hold(held, "operator-keeps-this");
    int before = zfs.commands().size();

    SnapshotRound.Result result = keeping(1, zfs, clock).run();

    List<List<String>> destroys =
        zfs.commands().subList(before, zfs.commands().size()).stream()
            .filter(argv -> argv.get(0).equals("destroy"))
            .toList();
    // The root's six expired snapshots: one command. The child's list fails on the held one,
    // so its six are then destroyed one by one: five go, the held one stays.
    assertThat(destroys.get(0)).hasSize(2);
    assertThat(destroys.get(0).get(1)).startsWith("tank@").contains(",");
    assertThat(destroys).hasSize(1 + 1 + 6);
    assertThat(result.destroyed()).hasSize(6 + 5).doesNotContain(held);
    assertThat(result.foundHeld()).containsExactly(held);
    assertThat(result.problems()).isEmpty();
    assertThat(zfs.listSnapshots(TANK).snapshots())
        .extracting(Snapshot::name)
        .filteredOn(n -> n.dataset().equals(child))
        .hasSize(2)
        .contains(held);
  }

  /** An OpenZFS node with an empty pool tank. */
  private static FakeZfs tankOn(Clock clock) {
    FakeZfs zfs = FakeZfs.openZfs("node-a", clock, 1);
    zfs.createPool("tank", 1L << 30);
    return zfs;
  }

  /** Rounds that keep {@code count} snapshots, for no passive. */
  private static SnapshotRound keeping(int count, FakeZfs zfs, Clock clock) {
    return new SnapshotRound(zfs, TANK, clock, () -> new RetentionPolicy(count), Optional::empty);
  }

  private static io.zferry.snapshot.zfs.Guid guidOf(FakeZfs zfs, SnapshotName name) {
    return zfs.listSnapshots(TANK).snapshots().stream()
        .filter(s -> s.name().equals(name))
        .map(Snapshot::guid)
        .findFirst()
        .orElseThrow();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
