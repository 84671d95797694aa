package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentIsolationTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
  private Isolation pinged = Isolation.CONNECTED;

  private final RecentIsolation isolation =
      new RecentIsolation(() -> pinged, clock, Duration.ofSeconds(10));

  @Test
  void aConnectedNodeThatWasNeverCutOffIsConnected() {
    assertThat(isolation.get()).isEqualTo(Isolation.CONNECTED);
  }

  @Test
  void aNodeStaysIsolatedForATimeoutAfterItsPingTargetsAnswerAgain() {
    pinged = Isolation.ISOLATED;
    assertThat(isolation.get()).isEqualTo(Isolation.ISOLATED);

    pinged = Isolation.CONNECTED;
    clock.advance(Duration.ofSeconds(1));
    assertThat(isolation.get()).as("the link just came back").isEqualTo(Isolation.ISOLATED);
    clock.advance(Duration.ofSeconds(9));
    assertThat(isolation.get()).isEqualTo(Isolation.CONNECTED);
  }

  @Test
  void withoutPingTargetsNothingIsRemembered() {
    pinged = Isolation.NOT_CHECKED;
    assertThat(isolation.get()).isEqualTo(Isolation.NOT_CHECKED);
  }
}
