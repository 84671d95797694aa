package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.fakes.FakeZfs;
import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.RunResult;
import io.zferry.service.failover.PeerWatch;
import io.zferry.service.metrics.NodeCounters;
import io.zferry.service.metrics.NodeSample;
import io.zferry.service.metrics.NodeSample.ServiceSample;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.testing.MutableClock;
import io.zferry.service.testing.Statuses;
import io.zferry.snapshot.zfs.DatasetName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What /metrics samples: each service's status, snapshot count, last good pull and counts. */
class NodeMetricsTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final FakeZfs zfs = FakeZfs.openZfs("node-a", clock, 1).createPool("tank", 1L << 30);
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final NodeCounters counters = new NodeCounters();
  private Optional<HeartbeatView> answer = Optional.empty();
  private final PeerWatch peerWatch =
      new PeerWatch(() -> answer, () -> false, clock, clock::nanoTime);
  private final NodeMetrics metrics =
      new NodeMetrics(
          "lab",
          "node-a",
          List.of(new PeerPresence("node-b", peerWatch, Duration.ofSeconds(3))),
          () -> List.of(Statuses.passive().build()),
          zfs,
          store,
          counters);

  @Test
  void onlyThePoolRootsSnapshotsAreCounted() {
    DatasetName tank = DatasetName.of("tank");
    zfs.createFilesystem(DatasetName.of("tank/child"));
    zfs.snapshot(tank, "s1", true);
    zfs.snapshot(tank, "s2", false);

    ServiceSample sample = metrics.sample().services().get(0);
    assertThat(sample.status().name()).isEqualTo("tank");
    assertThat(sample.snapshots()).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void aPoolThatCannotBeListedHasNoCountRatherThanZero() {
    zfs.failNext(FakeZfs.Op.LIST, 1, "cannot open 'tank': pool I/O is currently suspended");
    assertThat(metrics.sample().services().get(0).snapshots()).isEmpty();
  }

  @Test
  void theLastSuccessfulPullIsTheNewestRunThatSucceeded() {
    assertThat(metrics.sample().services().get(0).lastSuccessfulPull()).isEmpty();
    long good = store.startRun("tank", "node-b", "node-a", Optional.empty());
    clock.advance(Duration.ofMinutes(1));
    store.finishRun(good, 4096, RunResult.OK, Optional.empty(), Optional.empty());
    clock.advance(Duration.ofMinutes(1));
    long bad = store.startRun("tank", "node-b", "node-a", Optional.empty());
    store.finishRun(bad, 0, RunResult.FAILED, Optional.empty(), Optional.of("link down"));

    assertThat(metrics.sample().services().get(0).lastSuccessfulPull())
        .contains(START.plus(Duration.ofMinutes(1)));
  }

  @Test
  void theCountsAndThePeerAreThoseOfThisNode() {
    counters.pulled("tank", 4096, RunResult.OK);
    answer = Optional.of(new HeartbeatView("node-b", START.toString(), List.of()));
    peerWatch.beat();

    NodeSample sample = metrics.sample();
    assertThat(sample.cluster()).isEqualTo("lab");
    assertThat(sample.node()).isEqualTo("node-a");
    assertThat(sample.peers())
        .containsExactly(new NodeSample.PeerSample("node-b", true, Optional.of(START)));
    assertThat(sample.services().get(0).counts().bytesPulled()).isEqualTo(4096);
  }
}
