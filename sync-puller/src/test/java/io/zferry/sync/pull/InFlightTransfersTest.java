package io.zferry.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InFlightTransfersTest {
  static final DatasetName BIG = DatasetName.of("tank/big");
  static final DatasetName SMALL = DatasetName.of("tank/small");

  static Snapshot snap(DatasetName dataset, String name, long guid) {
    return new Snapshot(dataset.snapshot(name), new Guid(guid), guid, Instant.EPOCH);
  }

  final InFlightTransfers inFlight = new InFlightTransfers();

  @Test
  void anInterruptedTransferStaysNeededWhileTheNextOneRunsAndUntilItIsDone() {
    inFlight.started(BIG, List.of(snap(BIG, "a", 1), snap(BIG, "b", 2), snap(BIG, "c", 3)));
    inFlight.started(SMALL, List.of(snap(SMALL, "a", 11)));

    // The next cycle resumes the stream cut in b, then plans from b to d.
    inFlight.started(BIG, List.of(snap(BIG, "b", 2), snap(BIG, "c", 3), snap(BIG, "d", 4)));

    assertThat(inFlight.oldestNeeded())
        .as("per dataset the oldest: the interrupted stream's base")
        .extracting(s -> s.guid().value())
        .containsExactly(1L, 11L);
    inFlight.done(BIG);
    assertThat(inFlight.oldestNeeded())
        .extracting(Snapshot::name)
        .containsExactly(SnapshotName.parse("tank/small@a"));
    assertThat(inFlight.carried(BIG)).isEmpty();
  }

  @Test
  void aDatasetGoneFromTheSourceIsForgotten() {
    inFlight.started(BIG, List.of(snap(BIG, "a", 1)));
    inFlight.started(SMALL, List.of(snap(SMALL, "a", 11)));

    inFlight.keepOnly(Set.of(SMALL));

    assertThat(inFlight.carried(BIG)).isEmpty();
    assertThat(inFlight.oldestNeeded()).extracting(s -> s.guid().value()).containsExactly(11L);
  }

  @Test
  void aPlanThatSendsNothingAddsNothing() {
    inFlight.started(BIG, List.of());
    assertThat(inFlight.carried(BIG)).isEmpty();
    assertThat(inFlight.oldestNeeded()).isEmpty();
  }

  @Test
  void theOldestIsByCreationNotByWhenItWasLearnt() {
    inFlight.started(BIG, List.of(snap(BIG, "c", 3)));
    inFlight.started(BIG, List.of(snap(BIG, "b", 2), snap(BIG, "c", 3)));

    assertThat(inFlight.oldestNeeded()).extracting(s -> s.guid().value()).containsExactly(2L);
  }
}
