package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.PeerView.Answering;
import io.zferry.service.failover.PeerView.PeerServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Design §5 rule 9: a suspended pool, a hung {@code zfs} or a wedged control loop on the active is
 * a failure like a dead node, but the node is alive, so only a fence makes a takeover safe.
 */
class PoolHealthRulesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final FencingPolicy MANUAL = new FencingPolicy.Manual();
  private static final FencingPolicy IGNORE = new FencingPolicy.Ignore();
  private static final FencingPolicy COMMAND =
      new FencingPolicy.Command(List.of("/usr/local/sbin/fence", "node-a"), Duration.ofSeconds(5));

  private static final NodeHealth SUSPENDED =
      new NodeHealth("SUSPENDED", Duration.ZERO, Duration.ZERO);
  private static final NodeHealth ZFS_HUNG =
      new NodeHealth("ONLINE", NodeHealth.ZFS_HANG_LIMIT, Duration.ZERO);
  private static final NodeHealth LOOP_WEDGED =
      new NodeHealth("ONLINE", Duration.ZERO, NodeHealth.STALL_LIMIT.plusSeconds(1));

  // node-b's view throughout; node-a is the peer.

  @Test
  void whatCountsAsAFailure() {
    assertThat(NodeHealth.online().failure()).isEmpty();
    assertThat(new NodeHealth("DEGRADED", Duration.ZERO, Duration.ZERO).failure()).isEmpty();
    assertThat(NodeHealth.UNREPORTED.failure()).as("an older peer says nothing").isEmpty();
    assertThat(new NodeHealth("online", Duration.ZERO, Duration.ZERO).failure()).isEmpty();
    assertThat(SUSPENDED.failure()).hasValue("its pool is SUSPENDED");
    assertThat(new NodeHealth("UNAVAIL", Duration.ZERO, Duration.ZERO).failure()).isPresent();
    assertThat(new NodeHealth("FAULTED", Duration.ZERO, Duration.ZERO).failure()).isPresent();
    assertThat(
            new NodeHealth("ONLINE", NodeHealth.ZFS_HANG_LIMIT.minusSeconds(1), Duration.ZERO)
                .failure())
        .as("a slow zpool is not yet a hung one")
        .isEmpty();
    assertThat(ZFS_HUNG.failure()).hasValue("its zpool command has hung for 1m");
    assertThat(LOOP_WEDGED.failure().orElseThrow()).contains("control loop has made no progress");
  }

  @Test
  void aPassiveFencesAnActiveWhosePoolIsSuspendedBeforeItTakesOver() {
    for (NodeHealth sick : List.of(SUSPENDED, ZFS_HUNG, LOOP_WEDGED)) {
      Decision decision = decide(state("node-a", 3, false), sickActive(sick), COMMAND);
      assertThat(decision).as(sick.toString()).isInstanceOf(Decision.TakeOver.class);
      Decision.TakeOver takeOver = (Decision.TakeOver) decision;
      assertThat(takeOver.fenceFirst()).isTrue();
      assertThat(takeOver.reason()).contains("node-a answers, but " + sick.failure().get());
    }
  }

  /**
   * {@code fencing: ignore} always comes with a witness (the configuration refuses it without one):
   * no fence, and the takeover goes through the leader key, which the sick node no longer renews.
   */
  @Test
  void withFencingIgnoreTheTakeoverIsUnfencedAndLeftToTheWitnessLease() {
    Decision decision = decide(state("node-a", 3, false), sickActive(SUSPENDED), IGNORE);
    assertThat(decision).isInstanceOf(Decision.TakeOver.class);
    Decision.TakeOver takeOver = (Decision.TakeOver) decision;
    assertThat(takeOver.fenceFirst()).isFalse();
    assertThat(takeOver.reason()).contains("without the witness's leader key");
  }

  @Test
  void withFencingManualThePassiveHoldsAndTellsTheOperator() {
    Decision decision = decide(state("node-a", 3, false), sickActive(ZFS_HUNG), MANUAL);
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(((Decision.Hold) decision).reason()).contains("fencing policy manual");
  }

  @Test
  void aLockedPassiveDoesNotTakeOverFromASickActive() {
    assertThat(decide(state("node-a", 3, true), sickActive(SUSPENDED), COMMAND))
        .isInstanceOf(Decision.Hold.class);
    Answering lockedThere =
        new Answering(Optional.of(new PeerServiceState("node-a", 3, true, SUSPENDED)));
    assertThat(decide(state("node-a", 3, false), lockedThere, COMMAND))
        .isInstanceOf(Decision.Hold.class);
  }

  @Test
  void aHealthyActiveOrAPassivePeerWithAFailedPoolChangesNothing() {
    assertThat(decide(state("node-a", 3, false), sickActive(NodeHealth.online()), COMMAND))
        .isEqualTo(new Decision.Follow(true));
    // node-b owns the service; the peer's own pool is its problem.
    Answering sickPassive =
        new Answering(Optional.of(new PeerServiceState("node-b", 3, false, SUSPENDED)));
    assertThat(decide(state("node-b", 3, false), sickPassive, COMMAND))
        .isEqualTo(new Decision.Serve());
  }

  @Test
  void anOwnerWhosePoolFailedStandsAsideAndSaysWhy() {
    for (NodeHealth sick : List.of(SUSPENDED, ZFS_HUNG)) {
      Decision decision =
          decide(state("node-b", 3, false), healthyPeer("node-b", 3), COMMAND, sick);
      assertThat(decision).isInstanceOf(Decision.StandAside.class);
      assertThat(decision.describe())
          .startsWith("standing aside: node-b cannot serve: " + sick.failure().get())
          .contains("VIPs are down");
    }
    // A restarted owner waiting for its first heartbeat stands aside too.
    Decision restarted =
        decide(
            state("node-b", 3, false),
            new PeerView.Silent(Duration.ofSeconds(1), Duration.ofSeconds(1), false),
            COMMAND,
            SUSPENDED);
    assertThat(restarted).isInstanceOf(Decision.StandAside.class);
    // So does an owner the rules would have hold (restarted alone): holding means zfs commands.
    Decision alone =
        decide(
            state("node-b", 3, false),
            new PeerView.Silent(Duration.ofSeconds(600), Duration.ofSeconds(600), false),
            COMMAND,
            ZFS_HUNG);
    assertThat(alone).isInstanceOf(Decision.StandAside.class);
  }

  @Test
  void anOwnerWhosePoolRecoveredServesAgain() {
    assertThat(
            decide(
                state("node-b", 3, false), healthyPeer("node-b", 3), COMMAND, NodeHealth.online()))
        .isEqualTo(new Decision.Serve());
  }

  @Test
  void aSickOwnerStillAdoptsTheHigherEpochOfThePeerThatTookOver() {
    PeerServiceState theirs = new PeerServiceState("node-a", 4, true);
    assertThat(
            decide(
                state("node-b", 3, false), new Answering(Optional.of(theirs)), COMMAND, ZFS_HUNG))
        .isEqualTo(new Decision.AdoptPeer(theirs));
  }

  @Test
  void aPassiveWhosePoolFailedTakesNothingOver() {
    PeerView deadActive =
        new PeerView.Silent(Duration.ofSeconds(600), Duration.ofSeconds(600), true);
    assertThat(decide(state("node-a", 3, false), deadActive, COMMAND, NodeHealth.online()))
        .isInstanceOf(Decision.TakeOver.class);
    Decision decision = decide(state("node-a", 3, false), deadActive, COMMAND, SUSPENDED);
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(((Decision.Hold) decision).reason())
        .contains("node-b itself cannot serve: its pool is SUSPENDED");
  }

  private static Decision decide(ServiceState local, PeerView peer, FencingPolicy fencing) {
    return decide(local, peer, fencing, NodeHealth.online());
  }

  private static Decision decide(
      ServiceState local, PeerView peer, FencingPolicy fencing, NodeHealth own) {
    return FailoverDecider.decide(
        new Situation("node-b", local, peer, Isolation.NOT_CHECKED, fencing, TIMEOUT, false, own));
  }

  private static Answering sickActive(NodeHealth health) {
    return new Answering(Optional.of(new PeerServiceState("node-a", 3, false, health)));
  }

  private static Answering healthyPeer(String owner, long epoch) {
    return new Answering(
        Optional.of(new PeerServiceState(owner, epoch, false, NodeHealth.online())));
  }

  private static ServiceState state(String owner, long epoch, boolean locked) {
    Optional<SyncLock> lock =
        locked
            ? Optional.of(SyncLock.of("failover", Instant.parse("2026-11-22T00:00:00Z"), "node-b"))
            : Optional.empty();
    return new ServiceState("tank", owner, epoch, lock, Instant.parse("2026-11-22T00:00:00Z"));
  }
}
