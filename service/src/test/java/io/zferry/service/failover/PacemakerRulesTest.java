package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.PeerView.Answering;
import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.failover.PeerView.Silent;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The failover rules with cluster.manager: pacemaker, as node-b decides them: it serves only where
 * Pacemaker promoted it and never takes over on its own.
 */
class PacemakerRulesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final FencingPolicy COMMAND =
      new FencingPolicy.Command(List.of("/usr/local/sbin/fence", "node-a"), Duration.ofSeconds(5));

  @Test
  void anOwnerServesOnlyWhenPromoted() {
    assertThat(decide(state("node-b", 3, false), answering("node-b", 3), PacemakerIntent.PROMOTED))
        .isEqualTo(new Decision.Serve());
    Decision started =
        decide(state("node-b", 3, false), answering("node-b", 3), PacemakerIntent.STARTED);
    assertThat(started).isInstanceOf(Decision.Hold.class);
    assertThat(started.describe()).contains("Pacemaker has not promoted it here");
    assertThat(decide(state("node-b", 3, false), answering("node-b", 3), PacemakerIntent.STOPPED))
        .isInstanceOf(Decision.Hold.class);
  }

  @Test
  void aPromotedOwnerServesWithItsPeerSilentEvenAfterARestart() {
    // Under zferry's rules a restarted owner that never reached its peer holds (rule 5); Pacemaker
    // promotes only with quorum, after fencing whoever it could not reach.
    assertThat(
            FailoverDecider.decide(
                situation(
                    state("node-b", 3, false),
                    new Silent(Duration.ofSeconds(60), Duration.ofSeconds(60), false),
                    Optional.empty())))
        .isInstanceOf(Decision.Hold.class);
    assertThat(
            decide(
                state("node-b", 3, false),
                new Silent(Duration.ofSeconds(60), Duration.ofSeconds(60), false),
                PacemakerIntent.PROMOTED))
        .isEqualTo(new Decision.Serve());
  }

  @Test
  void aPassiveNeverTakesOverOnItsOwn() {
    Silent gone = new Silent(Duration.ofSeconds(60), Duration.ofSeconds(60), true);
    assertThat(FailoverDecider.decide(situation(state("node-a", 3, false), gone, Optional.empty())))
        .isInstanceOf(Decision.TakeOver.class);
    Decision underPacemaker = decide(state("node-a", 3, false), gone, PacemakerIntent.STARTED);
    assertThat(underPacemaker).isInstanceOf(Decision.Hold.class);
    assertThat(underPacemaker.describe()).contains("Pacemaker decides");
    // Not even when promoted: the promotion itself takes over (PacemakerPromotion), after asking.
    assertThat(decide(state("node-a", 3, false), gone, PacemakerIntent.PROMOTED))
        .isInstanceOf(Decision.Hold.class);
  }

  @Test
  void aStartedPassivePullsAndAStoppedOneDoesNot() {
    assertThat(decide(state("node-a", 3, false), answering("node-a", 3), PacemakerIntent.STARTED))
        .isEqualTo(new Decision.Follow(true));
    assertThat(decide(state("node-a", 3, false), answering("node-a", 3), PacemakerIntent.STOPPED))
        .isEqualTo(new Decision.Follow(false));
    assertThat(decide(state("node-a", 3, true), answering("node-a", 3), PacemakerIntent.STARTED))
        .as("the lock still stops the pull")
        .isEqualTo(new Decision.Follow(false));
  }

  @Test
  void aNewerRecordOnThePeerIsStillAdoptedFirst() {
    PeerServiceState theirs = new PeerServiceState("node-a", 5, false);
    assertThat(
            decide(
                state("node-b", 4, false),
                new Answering(Optional.of(theirs)),
                PacemakerIntent.PROMOTED))
        .isEqualTo(new Decision.AdoptPeer(theirs));
  }

  @Test
  void equalEpochsWithDifferentOwnersStillHoldForAnOperator() {
    assertThat(decide(state("node-b", 4, false), answering("node-a", 4), PacemakerIntent.PROMOTED))
        .isInstanceOf(Decision.Hold.class);
  }

  private static Decision decide(ServiceState local, PeerView peer, PacemakerIntent intent) {
    return FailoverDecider.decide(situation(local, peer, Optional.of(intent)));
  }

  private static Situation situation(
      ServiceState local, PeerView peer, Optional<PacemakerIntent> intent) {
    return new Situation(
        "node-b",
        local,
        peer,
        Isolation.CONNECTED,
        COMMAND,
        TIMEOUT,
        false,
        NodeHealth.UNREPORTED,
        intent);
  }

  private static ServiceState state(String owner, long epoch, boolean locked) {
    Optional<SyncLock> lock =
        locked
            ? Optional.of(SyncLock.of("failover", Instant.parse("2026-11-22T00:00:00Z"), "node-b"))
            : Optional.empty();
    return new ServiceState("tank", owner, epoch, lock, Instant.parse("2026-11-22T00:00:00Z"));
  }

  private static Answering answering(String owner, long epoch) {
    return new Answering(Optional.of(new PeerServiceState(owner, epoch, false)));
  }
}
