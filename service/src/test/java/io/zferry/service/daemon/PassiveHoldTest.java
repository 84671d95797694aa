package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.failover.PeerWatch;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.AppliedView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.Guid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The active spares what the passive last applied, for the hold, on the monotonic clock. */
class PassiveHoldTest {
  private static final Duration HOLD = Duration.ofMinutes(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private Optional<HeartbeatView> answer =
      Optional.of(
          new HeartbeatView(
              "node-b",
              "2026-01-01T00:00:00Z",
              List.of(
                  new ServiceClaim(
                      "tank", "node-a", 0, null, new AppliedView("tank@s1", "7"), null, null))));
  private final PeerWatch peerWatch =
      new PeerWatch(() -> answer, () -> false, clock, clock::nanoTime);
  private final PassiveHold hold =
      new PassiveHold("tank", "node-b", peerWatch, TIMEOUT, store, () -> HOLD, clock::nanoTime);

  PassiveHoldTest() {
    store.initialiseService("tank", "node-a");
  }

  @Test
  void theHoldLastsItsDurationWhateverTheWallClockDoes() {
    peerWatch.beat();
    assertThat(hold.spared()).contains(new Guid(7));

    answer = Optional.empty();
    clock.advance(Duration.ofMinutes(1));
    peerWatch.beat();
    clock.stepWall(Duration.ofDays(1));
    assertThat(hold.spared())
        .as("a wall clock stepped a day ahead does not end the hold")
        .contains(new Guid(7));

    clock.advance(HOLD);
    assertThat(hold.spared()).as("the hold is over").isEmpty();
  }

  private void passiveReports(List<AppliedView> receiving) {
    answer =
        Optional.of(
            new HeartbeatView(
                "node-b",
                "2026-01-01T00:00:00Z",
                List.of(
                    new ServiceClaim(
                        "tank",
                        "node-a",
                        0,
                        null,
                        new AppliedView("tank@s1", "7"),
                        null,
                        receiving))));
    peerWatch.beat();
  }

  @Test
  void whatThePassiveIsReceivingIsSparedWhileItsReportIsWithinTheHold() {
    passiveReports(
        List.of(new AppliedView("tank/big@s0", "5"), new AppliedView("tank/big@s1", "6")));
    assertThat(hold.receiving()).containsExactlyInAnyOrder(new Guid(5), new Guid(6));

    passiveReports(List.of(new AppliedView("tank/big@s1", "6")));
    assertThat(hold.receiving()).as("the latest report counts").containsExactly(new Guid(6));

    answer = Optional.empty();
    clock.advance(Duration.ofMinutes(1));
    peerWatch.beat();
    assertThat(hold.receiving()).as("a silent passive's last report").containsExactly(new Guid(6));

    clock.advance(HOLD);
    assertThat(hold.receiving()).as("the hold is over").isEmpty();
  }

  @Test
  void aPassiveThatDoesNotReportWhatItReceivesGetsNothingSpared() {
    passiveReports(null);
    assertThat(hold.receiving()).isEmpty();
    assertThat(hold.spared()).as("its applied snapshot still is").contains(new Guid(7));
  }

  @Test
  void aReportedValueThatIsNoGuidIsIgnored() {
    passiveReports(
        List.of(new AppliedView("tank@x", "not-a-guid"), new AppliedView("tank@s", "9")));
    assertThat(hold.receiving()).containsExactly(new Guid(9));
  }

  @Test
  void nothingIsSparedForATransferWhileTheSyncIsLocked() {
    passiveReports(List.of(new AppliedView("tank/big@s1", "6")));
    store.lockSync("tank", 0, SyncLock.of("failover", clock.instant(), "node-a"));
    assertThat(hold.receiving()).isEmpty();
  }
}
