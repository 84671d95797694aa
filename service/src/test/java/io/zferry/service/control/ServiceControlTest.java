package io.zferry.service.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.Decision;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceControlTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final FencingPolicy FENCE =
      new FencingPolicy.Command(List.of("/usr/local/sbin/fence-peer"), Duration.ofSeconds(60));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final FakePorts ports = new FakePorts();

  private ServiceControl control(String self, FencingPolicy fencing) {
    String peer = self.equals("node-a") ? "node-b" : "node-a";
    return new ServiceControl(
        "tank",
        self,
        peer,
        fencing,
        TIMEOUT,
        store,
        ports,
        clock,
        clock::nanoTime,
        Optional.empty());
  }

  private ServiceState record() {
    return store.serviceState("tank").orElseThrow();
  }

  @Test
  void aNodeThatServedWritesAndIsDemotedByAHigherEpochSetsTheLock() {
    store.initialiseService("tank", "node-a");
    ServiceControl a = control("node-a", new FencingPolicy.Ignore());
    ports.peerView = FakePorts.answering("node-a", 0, false);
    a.tick();
    assertThat(ports.servedWrites).isTrue();

    // node-b took the service at epoch 2 (a take-back after a lost reply, say), without a lock.
    ports.peerView = FakePorts.answering("node-b", 2, false);
    Decision decision = a.tick();

    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().isLocked()).as("its writes may exist only here").isTrue();
    assertThat(record().lock().orElseThrow().reason()).contains("served writes");
    assertThat(decision).isEqualTo(new Decision.Follow(false));
  }

  @Test
  void anOwnerWhosePeerClaimedTheSameEpochHoldsWhenThePeerFallsSilent() {
    store.initialiseService("tank", "node-a");
    ServiceControl a = control("node-a", FENCE);
    ports.peerView = FakePorts.answering("node-b", record().epoch(), false);
    assertThat(a.tick()).isInstanceOf(Decision.Hold.class);

    ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(5));
    Decision decision = a.tick();

    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decision.describe()).contains("fell silent before an operator chose");
    assertThat(ports.calls).doesNotContain("serve");
  }

  @Test
  void anOwnerWhosePeerNeverDisputedServesWhenThePeerFallsSilent() {
    store.initialiseService("tank", "node-a");
    ServiceControl a = control("node-a", FENCE);
    ports.peerView = FakePorts.answering("node-a", record().epoch(), false);
    a.tick();

    ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(5));

    assertThat(a.tick()).isEqualTo(new Decision.Serve());
  }

  @Test
  void aPassiveThatServedNothingAdoptsTheHigherEpochWithoutALock() {
    store.initialiseService("tank", "node-b");
    ServiceControl a = control("node-a", new FencingPolicy.Ignore());
    ports.peerView = FakePorts.answering("node-b", 3, false);

    Decision decision = a.tick();

    assertThat(record().epoch()).isEqualTo(3);
    assertThat(record().isLocked()).isFalse();
    assertThat(decision).isEqualTo(new Decision.Follow(true));
  }

  /**
   * Of three nodes under Pacemaker: node-a, the owner, was powered off; node-c took over (locked);
   * node-b, a third node, adopted node-c's record without the lock. node-a boots, has served
   * nothing since, and first hears of the new record from node-b: it must lock all the same, for
   * what it accepted before it was powered off may exist only here (bench/pacemaker found it
   * rejoining unlocked and pulling).
   */
  @Test
  void ofSeveralNodesAnOwnerTakenOverFromLocksWhoeverItHearsTheNewRecordFrom() {
    store.initialiseService("tank", "node-a");
    ports.severalPeers = true;
    ServiceControl a = control("node-a", new FencingPolicy.Ignore());
    ports.peerView = FakePorts.answering("node-c", 1, false);

    Decision decision = a.tick();

    assertThat(record().activeNode()).isEqualTo("node-c");
    assertThat(record().isLocked()).as("locked although node-b's record is not").isTrue();
    assertThat(record().lock().orElseThrow().reason())
        .contains("node-a owned the record until")
        .contains("may exist only here");
    assertThat(decision).isEqualTo(new Decision.Follow(false));
  }

  /**
   * Under Pacemaker, node-b and node-c both took the service over from node-a at epoch 1 (node-b
   * was lost before node-c heard its record). Pacemaker promoted node-c: it records itself at epoch
   * 2, locked, and serves; node-b, not promoted, adopts that record and locks (it owned the
   * record).
   */
  @Test
  void underPacemakerThePromotedNodeSettlesTwoTakeoversAtOneEpoch() {
    store.initialiseService("tank", "node-a");
    store.changeOwner("tank", 0, "node-c", "pacemaker", "took over from node-a", true);
    ports.severalPeers = true;
    ports.pacemakerIntent = Optional.of(io.zferry.service.pacemaker.PacemakerIntent.PROMOTED);
    ports.peerView = FakePorts.answering("node-b", 1, true);
    ServiceControl c = control("node-c", new FencingPolicy.Ignore());

    Decision decision = c.tick();

    assertThat(record().activeNode()).isEqualTo("node-c");
    assertThat(record().epoch()).isEqualTo(2);
    assertThat(record().isLocked()).isTrue();
    assertThat(decision.describe()).contains("node-b still names itself the owner at epoch 1");
    // Once node-b has adopted epoch 2 (at its next heartbeat), node-c serves.
    ports.peerView = FakePorts.answering("node-c", 2, true);
    assertThat(c.tick()).isEqualTo(new Decision.Serve());

    // Not promoted, the same node holds as before: Pacemaker decides who settles it.
    InMemoryStateStore other = new InMemoryStateStore(clock);
    other.initialiseService("tank", "node-a");
    other.changeOwner("tank", 0, "node-c", "pacemaker", "took over from node-a", true);
    ports.pacemakerIntent = Optional.of(io.zferry.service.pacemaker.PacemakerIntent.STARTED);
    ports.peerView = FakePorts.answering("node-b", 1, true);
    ServiceControl unpromoted =
        new ServiceControl(
            "tank",
            "node-c",
            "node-b",
            new FencingPolicy.Ignore(),
            TIMEOUT,
            other,
            ports,
            clock,
            clock::nanoTime,
            Optional.empty());
    unpromoted.tick();
    assertThat(other.serviceState("tank").orElseThrow().epoch()).isEqualTo(1);
  }

  @Test
  void ofTwoNodesAnOwnerThatServedNothingTakesThePeersRecordAsItIs() {
    // A record that names this node but nothing served since it started: of two nodes the
    // peer's record carries its lock (a takeover or a force always locks), so none is added.
    store.initialiseService("tank", "node-a");
    ServiceControl a = control("node-a", new FencingPolicy.Ignore());
    ports.peerView = FakePorts.answering("node-b", 1, false);

    a.tick();

    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().isLocked()).isFalse();
  }

  @Test
  void noTakeoverWhileACancelledPullCycleMayStillAct() {
    store.initialiseService("tank", "node-a");
    ServiceControl b = control("node-b", new FencingPolicy.Ignore());
    ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(1));
    ports.pullCycleEnded = false;

    Decision decision = b.tick();

    assertThat(record().activeNode()).as("not recorded while the cycle runs").isEqualTo("node-a");
    assertThat(ports.calls).doesNotContain("serve", "rollBack");
    assertThat(decision.describe()).contains("pull cycle is still running");

    ports.pullCycleEnded = true;
    b.tick();
    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().isLocked()).isTrue();
    assertThat(ports.calls).endsWith("stopPulling", "rollBack", "serve");
  }

  @Test
  void aFailedFenceIsRetriedAfterThePauseOnTheMonotonicClockWhateverTheWallClockDoes() {
    store.initialiseService("tank", "node-a");
    ServiceControl b = control("node-b", FENCE);
    ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(1));
    ports.fenceOutcomes.add(Optional.of("exit 1"));
    ports.fenceOutcomes.add(Optional.of("exit 1"));

    b.tick();
    assertThat(ports.fenceAttempts).isEqualTo(1);

    clock.stepWall(Duration.ofHours(1));
    b.tick();
    assertThat(ports.fenceAttempts).as("a wall-clock step is no pause").isEqualTo(1);

    clock.advance(ServiceControl.FENCE_RETRY_PAUSE);
    b.tick();
    assertThat(ports.fenceAttempts).isEqualTo(2);
    assertThat(record().activeNode()).isEqualTo("node-a");

    clock.stepWall(Duration.ofHours(-2));
    clock.advance(ServiceControl.FENCE_RETRY_PAUSE);
    Decision decision = b.tick();
    assertThat(ports.fenceAttempts).as("a wall clock stepped back delays nothing").isEqualTo(3);
    assertThat(decision).isEqualTo(new Decision.Serve());
    assertThat(record().activeNode()).isEqualTo("node-b");
  }

  @Test
  void progressIsTheLastCompletedStep() {
    store.initialiseService("tank", "node-a");
    ServiceControl a = control("node-a", new FencingPolicy.Ignore());
    clock.advance(Duration.ofMinutes(10));
    assertThat(ControlProgress.alive(clock.nanoTime(), a.lastProgress(), false)).isFalse();
    assertThat(ControlProgress.alive(clock.nanoTime(), a.lastProgress(), true)).isTrue();

    a.tick();

    assertThat(ControlProgress.alive(clock.nanoTime(), a.lastProgress(), false)).isTrue();
  }
}
