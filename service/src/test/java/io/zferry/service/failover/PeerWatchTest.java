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
  private final PeerWatch watch = new PeerWatch(() -> apiAnswer, () -> hostAnswers, clock);

  @Test
  void aPeerNeverHeardFromIsSilentSinceTheWatchStarted() {
    clock.advance(Duration.ofSeconds(4));
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Silent(Duration.ofSeconds(4), Duration.ofSeconds(4), false));
  }

  @Test
  void anAnsweringPeerReportsItsClaimOnTheService() {
    apiAnswer = Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null)));
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Answering(Optional.of(new PeerServiceState("node-a", 4, false))));
    assertThat(watch.view("other", WITHIN)).isEqualTo(new PeerView.Answering(Optional.empty()));
  }

  @Test
  void silenceCountsFromTheLastAnswerOnEachChannel() {
    apiAnswer = Optional.of(heartbeat(new ServiceClaim("tank", "node-a", 4, null, null)));
    watch.beat();
    apiAnswer = Optional.empty();
    hostAnswers = true;
    clock.advance(Duration.ofSeconds(5));
    watch.beat();
    // Within the answer window the last heartbeat still stands.
    assertThat(watch.view("tank", WITHIN)).isInstanceOf(PeerView.Answering.class);

    clock.advance(Duration.ofSeconds(7));
    hostAnswers = false;
    watch.beat();
    assertThat(watch.view("tank", WITHIN))
        .isEqualTo(new PeerView.Silent(Duration.ofSeconds(12), Duration.ofSeconds(7), true));
  }

  private static HeartbeatView heartbeat(ServiceClaim... claims) {
    return new HeartbeatView("node-a", "2026-11-22T00:00:00Z", List.of(claims));
  }
}
