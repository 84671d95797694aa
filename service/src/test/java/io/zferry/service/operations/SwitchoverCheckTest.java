package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.failover.PeerView;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When node-a may start a switchover of tank to node-b. */
class SwitchoverCheckTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final ServiceState OWNED =
      new ServiceState("tank", "node-a", 3, Optional.empty(), NOW);
  private static final PeerView AGREES =
      new PeerView.Answering(Optional.of(new PeerView.PeerServiceState("node-a", 3, false)));

  private static void check(ServiceState record, PeerView view, boolean runningActive) {
    SwitchoverCheck.require("node-a", "node-b", record, view, runningActive);
  }

  @Test
  void anActiveThatServesWithAnAgreeingPeerMaySwitchOver() {
    assertThatCode(() -> check(OWNED, AGREES, true)).doesNotThrowAnyException();
  }

  @Test
  void eachMissingConditionIsNamed() {
    assertThatThrownBy(
            () -> check(new ServiceState("tank", "node-b", 3, Optional.empty(), NOW), AGREES, true))
        .hasMessage("tank is not active on node-a; ask its active node, node-b");
    assertThatThrownBy(
            () ->
                check(
                    new ServiceState(
                        "tank",
                        "node-a",
                        3,
                        Optional.of(SyncLock.of("takeover", NOW, "system")),
                        NOW),
                    AGREES,
                    true))
        .hasMessageContaining("is locked since a failover");
    assertThatThrownBy(
            () ->
                check(
                    OWNED,
                    new PeerView.Silent(Duration.ofMinutes(1), Duration.ofMinutes(1), true),
                    true))
        .hasMessageStartingWith("node-b does not answer");
    assertThatThrownBy(
            () ->
                check(
                    OWNED,
                    new PeerView.Answering(
                        Optional.of(new PeerView.PeerServiceState("node-a", 2, false))),
                    true))
        .hasMessageContaining(
            "node-b does not agree on tank yet (its record: owner node-a, epoch 2)");
    assertThatThrownBy(() -> check(OWNED, AGREES, false))
        .hasMessage("tank is not running as active here yet");
  }

  @Test
  void everyRefusalIsAConflict() {
    assertThatThrownBy(() -> check(OWNED, AGREES, false))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT));
  }
}
