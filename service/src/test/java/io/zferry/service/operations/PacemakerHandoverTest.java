package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** node-a owns tank at epoch 1 and serves it; Pacemaker demotes it and promotes node-b. */
class PacemakerHandoverTest {
  private final InMemoryStateStore store =
      new InMemoryStateStore(new MutableClock(Instant.parse("2026-12-05T01:00:00Z")));
  private final Side a = new Side();
  private final PacemakerHandover handover = new PacemakerHandover(a, store);

  PacemakerHandoverTest() {
    store.initialiseService("tank", "node-a");
    store.changeOwner("tank", 0, "node-a", "test", "start at epoch 1", false);
  }

  @Test
  void demotionStopsWritesTakesTheFinalSnapshotAndKeepsTheRecord() {
    String result = handover.demote();

    assertThat(a.steps).containsExactly("intent started", "stop hooks", "read-only", "snapshot 1");
    assertThat(a.serving).isFalse();
    assertThat(result).contains("final snapshot tank@final-1");
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-a");

    PacemakerHandover.Answer answer = handover.handover();
    assertThat(answer.serving()).isFalse();
    assertThat(answer.finalSnapshot())
        .hasValueSatisfying(f -> assertThat(f.name().toString()).isEqualTo("tank@final-1"));
    assertThat(a.snapshots).as("the hand-over gives the demotion's snapshot").isEqualTo(1);
  }

  @Test
  void aFailingStopHookStillLeavesThePoolReadOnlyAndFailsTheDemotion() {
    a.hooksFail = true;

    assertThatThrownBy(handover::demote)
        .isInstanceOf(OperationException.class)
        .hasMessageContaining("stop hooks failed")
        .hasMessageContaining("read-only");
    assertThat(a.steps).contains("read-only", "snapshot 1");
    assertThat(a.serving).isFalse();
  }

  @Test
  void aServingOwnerHandsNothingOver() {
    PacemakerHandover.Answer answer = handover.handover();

    assertThat(answer.serving()).isTrue();
    assertThat(answer.finalSnapshot()).isEmpty();
    assertThat(a.snapshots).isZero();
    assertThatThrownBy(() -> handover.release(1, "node-b", "pacemaker"))
        .hasMessageContaining("still serves");
  }

  @Test
  void anOwnerThatDidNotServeSinceItStartedTakesItsFinalSnapshotAtTheHandover() {
    a.serving = false; // a whole cluster restarted: node-a owns the record, read-only

    PacemakerHandover.Answer answer = handover.handover();

    assertThat(answer.finalSnapshot()).isPresent();
    assertThat(a.steps).containsExactly("read-only", "snapshot 1");
  }

  @Test
  void releaseGivesTheRecordAwayOnceAndAnswersTheSameWhenAskedAgain() {
    handover.demote();

    assertThat(handover.release(1, "node-b", "pacemaker")).isEqualTo(2);
    assertThat(handover.release(1, "node-b", "pacemaker"))
        .as("a retry after a lost answer")
        .isEqualTo(2);
    ServiceState record = store.serviceState("tank").orElseThrow();
    assertThat(record.activeNode()).isEqualTo("node-b");
    assertThat(record.epoch()).isEqualTo(2);
    assertThat(record.isLocked()).isFalse();
    assertThat(a.steps).contains("follow");
  }

  @Test
  void releaseAtAnotherEpochIsRefused() {
    handover.demote();

    assertThatThrownBy(() -> handover.release(0, "node-b", "pacemaker"))
        .isInstanceOf(OperationException.class)
        .hasMessageContaining("epoch 1");
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-a");
  }

  private static final class Side implements PacemakerHandover.Local {
    final List<String> steps = new ArrayList<>();
    boolean serving = true;
    boolean hooksFail;
    int snapshots;

    @Override
    public String service() {
      return "tank";
    }

    @Override
    public String self() {
      return "node-a";
    }

    @Override
    public void intend(PacemakerIntent intent) {
      steps.add("intent " + intent.word());
    }

    @Override
    public boolean serving() {
      return serving;
    }

    @Override
    public String runStopHooks() {
      steps.add("stop hooks");
      if (hooksFail) {
        throw new OperationException(OperationException.Kind.FAILED, "hook exit 1");
      }
      return "ok";
    }

    @Override
    public void stopWrites() {
      steps.add("read-only");
      serving = false;
    }

    @Override
    public FinalSnapshot finalSnapshot() {
      snapshots++;
      steps.add("snapshot " + snapshots);
      return new FinalSnapshot(
          SnapshotName.parse("tank@final-" + snapshots),
          Map.of(DatasetName.of("tank"), Guid.parse("77" + snapshots)));
    }

    @Override
    public void settle() {}

    @Override
    public void followNewOwner() {
      steps.add("follow");
    }
  }
}
