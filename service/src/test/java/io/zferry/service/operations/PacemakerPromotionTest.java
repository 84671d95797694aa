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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pacemaker promotes node-b; node-a owns tank at epoch 1. Over an in-memory store. */
class PacemakerPromotionTest {
  private static final FinalSnapshot LAST =
      new FinalSnapshot(
          SnapshotName.parse("tank@zferry-20261205-010000"),
          Map.of(DatasetName.of("tank"), Guid.parse("1234")));

  private final InMemoryStateStore store =
      new InMemoryStateStore(new MutableClock(Instant.parse("2026-12-05T01:00:00Z")));
  private final Side b = new Side();
  private final FakeOwner a = new FakeOwner();

  PacemakerPromotionTest() {
    store.initialiseService("tank", "node-a");
    store.changeOwner("tank", 0, "node-a", "test", "start at epoch 1", false);
  }

  @Test
  void aDemotedOwnerHandsOverItsFinalSnapshotAndNothingIsLocked() {
    a.answer = new PacemakerHandover.Answer("node-a", 1, false, Optional.of(LAST));

    String result = new PacemakerPromotion(b, store).run(a, "pacemaker");

    assertThat(b.caughtUp).containsExactly(LAST);
    assertThat(a.released).containsExactly("tank at 1 to node-b");
    ServiceState record = store.serviceState("tank").orElseThrow();
    assertThat(record.activeNode()).isEqualTo("node-b");
    assertThat(record.epoch()).isEqualTo(2);
    assertThat(record.isLocked()).isFalse();
    assertThat(b.intents).containsExactly(PacemakerIntent.PROMOTED);
    assertThat(b.peerViewRefreshed)
        .as("node-a's last heartbeat still names it the owner at epoch 1")
        .isEqualTo(1);
    assertThat(b.serving).isTrue();
    assertThat(result).contains("node-b serves tank at epoch 2").contains(LAST.name().toString());
  }

  @Test
  void anOwnerThatStillServesIsNeverJoinedByASecondActive() {
    a.answer = new PacemakerHandover.Answer("node-a", 1, true, Optional.empty());

    assertThatThrownBy(() -> new PacemakerPromotion(b, store).run(a, "pacemaker"))
        .isInstanceOf(OperationException.class)
        .hasMessageContaining("node-a still serves tank");

    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-a");
    assertThat(b.serving).isFalse();
    assertThat(b.caughtUp).isEmpty();
    assertThat(a.released).isEmpty();
  }

  @Test
  void anOwnerThatDoesNotAnswerIsTakenOverWithTheSyncLocked() {
    a.unanswered = true;

    String result = new PacemakerPromotion(b, store).run(a, "pacemaker");

    ServiceState record = store.serviceState("tank").orElseThrow();
    assertThat(record.activeNode()).isEqualTo("node-b");
    assertThat(record.epoch()).isEqualTo(2);
    assertThat(record.isLocked()).isTrue();
    assertThat(record.lock().orElseThrow().reason()).contains("node-a did not answer");
    assertThat(b.rolledBackFrom).hasValueSatisfying(s -> assertThat(s.epoch()).isEqualTo(1));
    assertThat(b.pullsStopped).isTrue();
    assertThat(b.serving).isTrue();
    assertThat(result).contains("sync locked");
  }

  @Test
  void beforeATakeoverItCatchesUpFromAnotherPassiveFurtherAlong() {
    a.unanswered = true;
    List<ServiceState> seen = new ArrayList<>();
    List<Boolean> pullsStoppedThen = new ArrayList<>();
    b.onCatchUpFromOthers =
        () -> {
          seen.add(store.serviceState("tank").orElseThrow());
          pullsStoppedThen.add(b.pullsStopped);
        };

    String result = new PacemakerPromotion(b, store).run(a, "pacemaker");

    assertThat(seen)
        .as("asked once, with the old owner's record still in place")
        .singleElement()
        .satisfies(r -> assertThat(r.activeNode()).isEqualTo("node-a"));
    assertThat(pullsStoppedThen).containsExactly(true);
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-b");
    assertThat(result).contains("caught up from node-c");
  }

  @Test
  void aPassiveWhosePullCannotBeStoppedDoesNotTakeOver() {
    a.unanswered = true;
    b.pullStops = false;

    assertThatThrownBy(() -> new PacemakerPromotion(b, store).run(a, "pacemaker"))
        .hasMessageContaining("still running");

    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-a");
    assertThat(b.serving).isFalse();
  }

  @Test
  void aLockedPassiveCannotCatchUpAndIsNotPromoted() {
    store.lockSync(
        "tank", 1, io.zferry.lockstate.SyncLock.of("failover", Instant.EPOCH, "pacemaker"));
    a.answer = new PacemakerHandover.Answer("node-a", 1, false, Optional.of(LAST));

    assertThatThrownBy(() -> new PacemakerPromotion(b, store).run(a, "pacemaker"))
        .hasMessageContaining("locked");
    assertThat(a.released).isEmpty();
  }

  @Test
  void aLostReleaseAnswerFailsThePromotionAndTheRetryAdoptsTheReleasedRecord() {
    a.answer = new PacemakerHandover.Answer("node-a", 1, false, Optional.of(LAST));
    a.releaseUnanswered = true;

    assertThatThrownBy(() -> new PacemakerPromotion(b, store).run(a, "pacemaker"))
        .isInstanceOf(OperationException.class);
    assertThat(b.serving).isFalse();
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-a");

    // node-a did release: its record names node-b at epoch 2, which the retry adopts.
    a.releaseUnanswered = false;
    a.answer = new PacemakerHandover.Answer("node-b", 2, false, Optional.empty());
    new PacemakerPromotion(b, store).run(a, "pacemaker");

    ServiceState record = store.serviceState("tank").orElseThrow();
    assertThat(record.activeNode()).isEqualTo("node-b");
    assertThat(record.epoch()).isEqualTo(2);
    assertThat(record.isLocked()).isFalse();
    assertThat(b.serving).isTrue();
  }

  @Test
  void anOwnerThatHasHeardNoPeerSinceItStartedIsNotPromotedOnItsRecord() {
    store.changeOwner("tank", 1, "node-b", "test", "node-b owns it", false);
    b.heardSinceStart = false;

    assertThatThrownBy(() -> new PacemakerPromotion(b, store).run(a, "pacemaker"))
        .hasMessageContaining("no other node has answered since zferryd started");
    assertThat(b.serving).isFalse();

    b.heardSinceStart = true;
    assertThat(new PacemakerPromotion(b, store).run(a, "pacemaker")).contains("serves");
    assertThat(b.serving).isTrue();
  }

  @Test
  void theOwnerItselfServesAgain() {
    store.changeOwner("tank", 1, "node-b", "test", "node-b owns it", false);

    new PacemakerPromotion(b, store).run(a, "pacemaker");

    assertThat(b.serving).isTrue();
    assertThat(a.asked).isZero();
  }

  @Test
  void aNodeThatCannotServeIsUnpromotedAgainAndSaysWhy() {
    store.changeOwner("tank", 1, "node-b", "test", "node-b owns it", false);
    b.problem = Optional.of("start hooks failed on node-b: exit 1");

    assertThatThrownBy(() -> new PacemakerPromotion(b, store).run(a, "pacemaker"))
        .hasMessageContaining("start hooks failed");
    assertThat(b.intents).containsExactly(PacemakerIntent.PROMOTED, PacemakerIntent.STARTED);
  }

  @Test
  void aServiceThatNeverChangedOwnerIsReleasedAtEpochZero() {
    new Requests.Release(0, "node-b", "pacemaker").validate();
    assertThatThrownBy(() -> new Requests.Release(-1, "node-b", "pacemaker").validate())
        .hasMessageContaining("epoch");
  }

  private static final class Side implements PacemakerPromotion.Local {
    final List<PacemakerIntent> intents = new ArrayList<>();
    final List<FinalSnapshot> caughtUp = new ArrayList<>();
    Optional<ServiceState> rolledBackFrom = Optional.empty();
    Optional<String> problem = Optional.empty();
    boolean serving;
    boolean pullStops = true;
    boolean pullsStopped;
    Runnable onCatchUpFromOthers = () -> {};
    boolean heardSinceStart = true;
    int peerViewRefreshed;

    @Override
    public String service() {
      return "tank";
    }

    @Override
    public String self() {
      return "node-b";
    }

    @Override
    public void intend(PacemakerIntent intent) {
      intents.add(intent);
    }

    @Override
    public Optional<String> serveNow() {
      serving = problem.isEmpty();
      return problem;
    }

    @Override
    public String catchUp(FinalSnapshot last) {
      caughtUp.add(last);
      return "caught up";
    }

    @Override
    public boolean heardSinceStart() {
      return heardSinceStart;
    }

    @Override
    public String catchUpFromOtherPassives() {
      onCatchUpFromOthers.run();
      return "caught up from node-c: ok";
    }

    @Override
    public boolean stopPulling(Duration wait) {
      pullsStopped = pullStops;
      return pullStops;
    }

    @Override
    public void rollBackIfPassive(ServiceState before) {
      rolledBackFrom = Optional.of(before);
    }

    @Override
    public void refreshPeerView() {
      peerViewRefreshed++;
    }
  }

  private static final class FakeOwner implements PacemakerPromotion.Owner {
    PacemakerHandover.Answer answer;
    boolean unanswered;
    boolean releaseUnanswered;
    int asked;
    final List<String> released = new ArrayList<>();

    @Override
    public PacemakerHandover.Answer handover(String service) {
      asked++;
      if (unanswered) {
        throw new OperationException(
            OperationException.Kind.UNANSWERED, "node-a did not answer: connect timed out");
      }
      return answer;
    }

    @Override
    public long release(String service, long epoch, String to, String actor) {
      if (releaseUnanswered) {
        throw new OperationException(
            OperationException.Kind.UNANSWERED, "node-a did not answer: read timed out");
      }
      released.add(service + " at " + epoch + " to " + to);
      return epoch + 1;
    }
  }
}
