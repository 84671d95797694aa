package io.zferry.service.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.fakes.FakeZfs;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.DatasetName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The simulation's pool over the shared FakeZfs: the same receive, rollback and discards. */
class SimPoolTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeZfs zfsA = FakeZfs.openZfs("node-a", clock, 1);
  private final FakeZfs zfsB = FakeZfs.openZfs("node-b", clock, 2);
  private final SimPool a = SimPool.first(Optional.of(zfsA), new SimPool.Snap(1, List.of(), false));
  private final SimPool b = SimPool.replicaOf(a, Optional.of(zfsB));

  @Test
  void anIncrementalReceiveRollsBackWritesAfterTheNewestSnapshotOnBothModels() {
    a.write(1);
    a.snapshot(2);
    b.write(7); // written on the copy after its newest snapshot: only b holds it

    SimPool.Received received = b.pullFrom(a);

    assertThat(received.discarded()).containsExactly(7);
    assertThat(zfsB.discardedWrites()).isNotEmpty();
    assertThat(zfsB.files(DatasetName.of("tank"))).containsOnlyKeys("w1");
    assertThat(b.mismatch()).isEmpty();
  }

  @Test
  void ownSnapshotsAfterTheCommonOneAreADivergenceAndNothingIsReceived() {
    a.write(1);
    a.snapshot(2);
    b.write(7);
    b.snapshot(3);

    assertThat(b.pullFrom(a).diverged()).isTrue();
    assertThat(zfsB.files(DatasetName.of("tank"))).containsOnlyKeys("w7");
    assertThat(b.mismatch()).isEmpty();
  }

  @Test
  void aResyncKeepsTheDivergentWritesAsideAndReceives() {
    a.write(1);
    a.snapshot(2);
    b.write(7);
    b.rescueSnapshot(3);

    SimPool.Resynced resynced = b.resync(a, false);

    assertThat(resynced.failure()).isEmpty();
    assertThat(resynced.keptAside()).containsExactly(7);
    assertThat(b.contains(7)).isTrue();
    assertThat(b.holds(2)).isTrue();
    assertThat(b.mismatch()).isEmpty();
  }

  @Test
  void aFullPoolRefusesWritesAndReceivesOnFakeZfsAndTheModelFollows() {
    a.write(1);
    a.snapshot(2);
    b.full(true);

    assertThat(b.write(7)).as("FakeZfs refuses the write: never acknowledged").isFalse();
    assertThat(b.pullFrom(a).changed()).isFalse();
    assertThat(b.holds(2)).isFalse();
    assertThat(b.mismatch()).isEmpty();

    b.full(false);
    assertThat(b.pullFrom(a).changed()).isTrue();
    assertThat(b.write(8)).isTrue();
    assertThat(zfsB.files(DatasetName.of("tank"))).containsOnlyKeys("w1", "w8");
    assertThat(b.mismatch()).isEmpty();
  }

  @Test
  void aResyncWithoutRoomToKeepTheDivergenceAsideStopsUnlessTheOperatorDiscardsIt() {
    a.write(1);
    a.snapshot(2);
    b.write(7);
    b.rescueSnapshot(3);
    b.full(true);

    SimPool.Resynced refused = b.resync(a, false);
    assertThat(refused.failure()).hasValueSatisfying(f -> assertThat(f).contains("no room"));
    assertThat(b.contains(7)).as("nothing destroyed").isTrue();
    assertThat(b.mismatch()).isEmpty();

    SimPool.Resynced discarded = b.resync(a, true);
    assertThat(discarded.discarded()).containsExactly(7);
    assertThat(b.mismatch()).isEmpty();
  }

  @Test
  void aChangeBehindTheModelsBackIsAMismatch() {
    zfsB.writeFile(DatasetName.of("tank"), "w9", "not through the model");

    assertThat(b.mismatch()).hasValueSatisfying(m -> assertThat(m).contains("w9"));
  }
}
