package io.zferry.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.OpenMode;
import io.zferry.lockstate.RunResult;
import io.zferry.lockstate.SqliteStateStore;
import io.zferry.lockstate.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountingStateStoreTest {
  @TempDir Path dir;

  @Test
  void countsFinishedPullsByServiceAndFenceEventsByOutcome() {
    NodeCounters counters = new NodeCounters();
    try (StateStore store =
        new CountingStateStore(
            SqliteStateStore.open(
                dir.resolve("state.db"), OpenMode.CREATE_IF_MISSING, Clock.systemUTC()),
            counters)) {
      store.initialiseService("tank", "node-a");
      long ok = store.startRun("tank", "node-a", "node-b", Optional.empty());
      store.finishRun(ok, 5000, RunResult.OK, Optional.of("incremental"), Optional.empty());
      long failed = store.startRun("tank", "node-a", "node-b", Optional.empty());
      store.finishRun(failed, 0, RunResult.FAILED, Optional.empty(), Optional.of("ssh refused"));
      store.recordEvent(EventKind.FENCE, "tank", "node-b", "zferryd", "fenced node-a: exit 0");
      store.recordEvent(
          EventKind.FENCE, "tank", "node-b", "zferryd", "fencing node-a failed: exit 1");
      store.recordEvent(EventKind.DAEMON, null, "node-b", "zferryd", "started");

      NodeCounters.Counts counts = counters.counts("tank");
      assertThat(counts.bytesPulled()).isEqualTo(5000);
      assertThat(counts.runs()).containsEntry(RunResult.OK, 1L).containsEntry(RunResult.FAILED, 1L);
      assertThat(counts.fencesSucceeded()).isEqualTo(1);
      assertThat(counts.fencesFailed()).isEqualTo(1);
      assertThat(counts.errors())
          .containsEntry(NodeCounters.ErrorKind.PULL, 1L)
          .containsEntry(NodeCounters.ErrorKind.FENCE, 1L)
          .containsEntry(NodeCounters.ErrorKind.DIVERGENCE, 0L);
      assertThat(store.recentRuns("tank", 10)).hasSize(2);
    }
  }
}
