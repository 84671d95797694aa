package io.zferry.service.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.failover.PeerView;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForceRuleTest {
  private static ServiceState owner(String node, long epoch) {
    return new ServiceState("tank", node, epoch, Optional.empty(), Instant.EPOCH);
  }

  @Test
  void equalEpochsWithDifferentOwnersCanBeSettledByForceWhileThePeerAnswers() {
    assertThat(
            ForceRule.refusal(
                "node-a", "node-b", owner("node-a", 4), FakePorts.answering("node-b", 4, false)))
        .isEmpty();
  }

  @Test
  void aPeerThatAnswersAndAgreesIsASwitchoverNotAForce() {
    assertThat(
            ForceRule.refusal(
                "node-b", "node-a", owner("node-a", 4), FakePorts.answering("node-a", 4, false)))
        .hasValueSatisfying(r -> assertThat(r).contains("node-a answers").contains("--to node-b"));
  }

  @Test
  void aSilentPeerCanBeForced() {
    PeerView silent = new PeerView.Silent(Duration.ofMinutes(1), Duration.ofMinutes(1), false);
    assertThat(ForceRule.refusal("node-b", "node-a", owner("node-a", 4), silent)).isEmpty();
  }

  @Test
  void forcingRollsBackOnlyAnUnlockedPassive() {
    assertThat(ForceRule.rollsBack("node-b", owner("node-a", 4))).isTrue();
    assertThat(ForceRule.rollsBack("node-a", owner("node-a", 4)))
        .as("the owner's own writes after its newest snapshot")
        .isFalse();
    ServiceState lockedAfterTakeover =
        new ServiceState(
            "tank",
            "node-b",
            5,
            Optional.of(SyncLock.of("took over", Instant.EPOCH, "system")),
            Instant.EPOCH);
    assertThat(ForceRule.rollsBack("node-a", lockedAfterTakeover))
        .as("a demoted old active may hold the only copy")
        .isFalse();
  }
}
