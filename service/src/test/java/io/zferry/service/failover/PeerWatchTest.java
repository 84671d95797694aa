package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerWatchTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
  private Optional<HeartbeatView> apiAnswer = Optional.empty();
  private boolean hostAnswers;

  /** The monotonic ticker, moved together with the clock unless a test steps the clock alone. */
  private long nanos = 1_000_000_000L;

  private final PeerWatch watch =
      new PeerWatch(() -> apiAnswer, () -> hostAnswers, clock, () -> nanos);

  private void elapse(Duration d) {
    clock.advance(d);
    nanos += d.toNanos();
  }

  @Test
  void aPeerNeverHeardFromIsSilentSinceTheWatchStarted() {
    elapse(Duration.ofSeconds(4));
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Silent(Duration.ofSeconds(4), Duration.ofSeconds(4), false));
  }

  @Test
  void anAnsweringPeerReportsItsClaimOnTheService() {
    apiAnswer =
        Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null, null, null)));
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Answering(Optional.of(new PeerServiceState("node-a", 4, false))));
    assertThat(watch.view("other", WITHIN)).isEqualTo(new PeerView.Answering(Optional.empty()));
  }

  /**
   * The control steps quicken an interval before the timeout, when the last answer is still within
   * the answer window and the view still says Answering: steps a whole interval apart until the
   * view turned Silent started the takeover up to an interval after the timeout.
   */
  @Test
  void theStepsQuickenWhileTheLastAnswerIsStillWithinTheWindow() {
    Duration interval = Duration.ofSeconds(1);
    Duration timeout = Duration.ofSeconds(3);
    apiAnswer =
        Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null, null, null)));
    watch.beat();
    apiAnswer = Optional.empty();
    elapse(Duration.ofMillis(2_500));
    watch.beat();
    assertThat(watch.view("tank", timeout)).isInstanceOf(PeerView.Answering.class);
    assertThat(watch.apiSilentFor()).isEqualTo(Duration.ofMillis(2_500));
    assertThat(ControlCadence.nextStepIn(watch.apiSilentFor(), interval, timeout))
        .isEqualTo(ControlCadence.WHILE_FALLING_SILENT);
  }

  /**
   * A promotion asks the peer while the heartbeat loop's question may still be out: the loop's
   * answer, to a question asked earlier, arrives last and must not replace the fresh one.
   */
  @Test
  void anAnswerToAnOlderQuestionDoesNotReplaceANewerOne() {
    HeartbeatView stale = heartbeat(new ServiceClaim("tank", "node-a", 0, null, null, null, null));
    HeartbeatView fresh = heartbeat(new ServiceClaim("tank", "node-b", 1, null, null, null, null));
    boolean[] nested = {false};
    PeerWatch overlapping =
        new PeerWatch(
            () -> {
              if (nested[0]) {
                return Optional.of(fresh);
              }
              nested[0] = true;
              elapse(Duration.ofMillis(100));
              overlappingWatch[0].beat();
              elapse(Duration.ofMillis(100));
              return Optional.of(stale);
            },
            () -> false,
            clock,
            () -> nanos);
    overlappingWatch[0] = overlapping;
    overlapping.beat();
    assertThat(overlapping.view("tank", WITHIN))
        .isEqualTo(new PeerView.Answering(Optional.of(new PeerServiceState("node-b", 1, false))));
  }

  private final PeerWatch[] overlappingWatch = new PeerWatch[1];

  @Test
  void silenceCountsFromTheLastAnswerOnEachChannel() {
    apiAnswer =
        Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null, null, null)));
    watch.beat();
    apiAnswer = Optional.empty();
    hostAnswers = true;
    elapse(Duration.ofSeconds(5));
    watch.beat();
    // Within the answer window the last heartbeat still stands.
    assertThat(watch.view("tank", WITHIN)).isInstanceOf(PeerView.Answering.class);

    elapse(Duration.ofSeconds(7));
    hostAnswers = false;
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Silent(Duration.ofSeconds(12), Duration.ofSeconds(7), true));
  }

  @Test
  void aWallClockJumpForwardDoesNotSilenceAnAnsweringPeer() {
    apiAnswer =
        Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null, null, null)));
    watch.beat();
    // NTP or an operator steps the clock an hour ahead between a heartbeat and the next decision.
    clock.advance(Duration.ofHours(1));
    nanos += Duration.ofMillis(300).toNanos();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Answering(Optional.of(new PeerServiceState("node-a", 4, false))));
    assertThat(watch.answeredWithin(WITHIN)).isTrue();
  }

  @Test
  void aWallClockJumpBackDoesNotHideASilentPeer() {
    apiAnswer =
        Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null, null, null)));
    watch.beat();
    apiAnswer = Optional.empty();
    clock.advance(Duration.ofHours(-1));
    nanos += Duration.ofSeconds(12).toNanos();
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Silent(Duration.ofSeconds(12), Duration.ofSeconds(12), true));
    assertThat(watch.answeredWithin(WITHIN)).isFalse();
  }

  @Test
  void theLastAnswerIsShownOnTheWallClock() {
    assertThat(watch.lastApiAnswer()).isEmpty();
    apiAnswer = Optional.of(heartbeat());
    elapse(Duration.ofSeconds(3));
    watch.beat();
    assertThat(watch.lastApiAnswer()).contains(Instant.parse("2026-11-22T00:00:03Z"));
  }

  private static HeartbeatView heartbeat(ServiceClaim... claims) {
    return new HeartbeatView("node-a", "2026-11-22T00:00:00Z", List.of(claims));
  }
}
