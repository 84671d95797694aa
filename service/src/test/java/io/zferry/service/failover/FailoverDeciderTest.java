package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.PeerView.Answering;
import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.failover.PeerView.Silent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every rule of design §5 that a single node decides, one situation per test. */
class FailoverDeciderTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final FencingPolicy MANUAL = new FencingPolicy.Manual();
  private static final FencingPolicy IGNORE = new FencingPolicy.Ignore();
  private static final FencingPolicy COMMAND =
      new FencingPolicy.Command(List.of("/usr/local/sbin/fence", "node-a"), Duration.ofSeconds(5));

  // node-b's view throughout; node-a is the peer.

  @Test
  void anOwnerWhosePeerAgreesServes() {
    assertThat(decide(state("node-b", 3, false), answering("node-b", 3, false)))
        .isEqualTo(new Decision.Serve());
  }

  @Test
  void aPassiveWhosePeerOwnsTheServicePulls() {
    assertThat(decide(state("node-a", 3, false), answering("node-a", 3, false)))
        .isEqualTo(new Decision.Follow(true));
  }

  @Test
  void aLockOnEitherNodeStopsThePull() {
    assertThat(decide(state("node-a", 3, true), answering("node-a", 3, false)))
        .isEqualTo(new Decision.Follow(false));
    assertThat(decide(state("node-a", 3, false), answering("node-a", 3, true)))
        .isEqualTo(new Decision.Follow(false));
  }

  @Test
  void aHigherEpochOnThePeerIsAdoptedBeforeAnythingElse() {
    PeerServiceState theirs = new PeerServiceState("node-a", 5, true);
    // Even a node that believes it owns the service adopts: the higher epoch wins any dispute.
    assertThat(decide(state("node-b", 4, false), new Answering(Optional.of(theirs))))
        .isEqualTo(new Decision.AdoptPeer(theirs));
  }

  @Test
  void aLowerEpochOnThePeerLeavesThisNodesRecordInForce() {
    assertThat(decide(state("node-b", 5, true), answering("node-b", 4, false)))
        .isEqualTo(new Decision.Serve());
    assertThat(decide(state("node-a", 5, false), answering("node-b", 4, false)))
        .isEqualTo(new Decision.Follow(true));
  }

  @Test
  void anOwnerWaitsWhileThePeerStillNamesItselfOwnerAtALowerEpoch() {
    Decision decision = decide(state("node-b", 5, true), answering("node-a", 4, false));
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(((Decision.Hold) decision).reason())
        .contains("node-a still names itself the owner at epoch 4", "adopts epoch 5");
  }

  @Test
  void twoOwnersAtTheSameEpochServeNothingUntilAnOperatorChooses() {
    Decision decision = decide(state("node-b", 7, false), answering("node-a", 7, false));
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(((Decision.Hold) decision).reason())
        .contains("epoch 7", "node-b here", "node-a on the peer", "--force");
  }

  @Test
  void aPeerThatDoesNotKnowTheServiceDisputesNothing() {
    Answering unknown = new Answering(Optional.empty());
    assertThat(decide(state("node-b", 1, false), unknown)).isEqualTo(new Decision.Serve());
    assertThat(decide(state("node-a", 1, true), unknown)).isEqualTo(new Decision.Follow(false));
  }

  @Test
  void anOwnerKeepsServingWhileItsPeerIsSilent() {
    assertThat(decide(state("node-b", 2, false), silent(60, 60, true)))
        .isEqualTo(new Decision.Serve());
  }

  @Test
  void aRestartedOwnerWaitsOneTimeoutForItsPeerBeforeStandingDown() {
    assertThat(decide(state("node-b", 2, false), silent(3, 3, false)))
        .isInstanceOf(Decision.Unchanged.class);
    Decision later = decide(state("node-b", 2, false), silent(11, 11, false));
    assertThat(later).isInstanceOf(Decision.Hold.class);
    assertThat(((Decision.Hold) later).reason()).contains("restarted", "--force");
  }

  @Test
  void anOperatorCanForceARestartedOwnerToServeWithoutItsPeer() {
    Situation forced =
        new Situation(
            "node-b",
            state("node-b", 3, true),
            silent(60, 60, false),
            Isolation.NOT_CHECKED,
            MANUAL,
            TIMEOUT,
            true);
    assertThat(FailoverDecider.decide(forced)).isEqualTo(new Decision.Serve());
  }

  @Test
  void aPassiveDoesNotSuspectAPeerWhoseMachineStillAnswers() {
    // zferryd on node-a is down for a minute, but its sshd answers: the pool may still be served.
    assertThat(decide(state("node-a", 2, false), silent(60, 1, true), IGNORE))
        .isEqualTo(new Decision.Follow(true));
  }

  @Test
  void aPassiveWaitsOutTheTimeoutBeforeSuspecting() {
    assertThat(decide(state("node-a", 2, false), silent(9, 9, true), IGNORE))
        .isEqualTo(new Decision.Follow(true));
  }

  @Test
  void ignoreTakesOverUnfencedOnceThePeerIsSilentForTheTimeout() {
    Decision decision = decide(state("node-a", 2, false), silent(10, 10, true), IGNORE);
    assertThat(decision).isInstanceOf(Decision.TakeOver.class);
    assertThat(((Decision.TakeOver) decision).fenceFirst()).isFalse();
    assertThat(((Decision.TakeOver) decision).reason()).contains("node-a", "10s");
  }

  @Test
  void commandTakesOverOnlyAfterFencing() {
    Decision decision = decide(state("node-a", 2, false), silent(12, 12, true), COMMAND);
    assertThat(decision).isEqualTo(new Decision.TakeOver(true, decisionReason(decision)));
    assertThat(((Decision.TakeOver) decision).fenceFirst()).isTrue();
  }

  @Test
  void manualNeverTakesOverAndSaysHowTo() {
    Decision decision = decide(state("node-a", 2, false), silent(600, 600, true), MANUAL);
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decisionReason(decision)).contains("manual", "zferry failover tank --force");
  }

  @Test
  void aNodeThatRestartedWithoutSeeingItsPeerNeverTakesOver() {
    Decision decision = decide(state("node-a", 2, false), silent(600, 600, false), IGNORE);
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decisionReason(decision)).contains("since this node started");
  }

  @Test
  void aLockedPassiveNeverTakesOverWithItsStaleCopy() {
    Decision decision = decide(state("node-a", 2, true), silent(600, 600, true), IGNORE);
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decisionReason(decision)).contains("locked");
  }

  @Test
  void anIsolatedNodeNeverTakesOver() {
    Situation isolated =
        new Situation(
            "node-b",
            state("node-a", 2, false),
            silent(600, 600, true),
            Isolation.ISOLATED,
            IGNORE,
            TIMEOUT,
            false);
    Decision decision = FailoverDecider.decide(isolated);
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decisionReason(decision)).contains("ping targets");
    Situation connected =
        new Situation(
            "node-b",
            state("node-a", 2, false),
            silent(600, 600, true),
            Isolation.CONNECTED,
            IGNORE,
            TIMEOUT,
            false);
    assertThat(FailoverDecider.decide(connected)).isInstanceOf(Decision.TakeOver.class);
  }

  private static String decisionReason(Decision decision) {
    if (decision instanceof Decision.Hold hold) {
      return hold.reason();
    }
    return ((Decision.TakeOver) decision).reason();
  }

  private static Decision decide(ServiceState local, PeerView peer) {
    return decide(local, peer, MANUAL);
  }

  private static Decision decide(ServiceState local, PeerView peer, FencingPolicy fencing) {
    return FailoverDecider.decide(
        new Situation("node-b", local, peer, Isolation.NOT_CHECKED, fencing, TIMEOUT, false));
  }

  private static ServiceState state(String owner, long epoch, boolean locked) {
    Optional<SyncLock> lock =
        locked
            ? Optional.of(SyncLock.of("failover", Instant.parse("2026-11-22T00:00:00Z"), "node-b"))
            : Optional.empty();
    return new ServiceState("tank", owner, epoch, lock, Instant.parse("2026-11-22T00:00:00Z"));
  }

  private static Answering answering(String owner, long epoch, boolean locked) {
    return new Answering(Optional.of(new PeerServiceState(owner, epoch, locked)));
  }

  private static Silent silent(long apiSeconds, long hostSeconds, boolean seenSinceStart) {
    return new Silent(
        Duration.ofSeconds(apiSeconds), Duration.ofSeconds(hostSeconds), seenSinceStart);
  }
}
