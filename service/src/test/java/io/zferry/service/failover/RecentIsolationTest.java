package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentIsolationTest {
  private Instant now = Instant.parse("2026-11-22T00:00:00Z");
  private Isolation pinged = Isolation.CONNECTED;

  private final RecentIsolation isolation =
      new RecentIsolation(
          () -> pinged,
          new Clock() {
            @Override
            public java.time.ZoneId getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return now;
            }
          },
          Duration.ofSeconds(10));

  @Test
  void aConnectedNodeThatWasNeverCutOffIsConnected() {
    assertThat(isolation.get()).isEqualTo(Isolation.CONNECTED);
  }

  @Test
  void aNodeStaysIsolatedForATimeoutAfterItsPingTargetsAnswerAgain() {
    pinged = Isolation.ISOLATED;
    assertThat(isolation.get()).isEqualTo(Isolation.ISOLATED);

    pinged = Isolation.CONNECTED;
    now = now.plusSeconds(1);
    assertThat(isolation.get()).as("the link just came back").isEqualTo(Isolation.ISOLATED);
    now = now.plusSeconds(9);
    assertThat(isolation.get()).isEqualTo(Isolation.CONNECTED);
  }

  @Test
  void withoutPingTargetsNothingIsRemembered() {
    pinged = Isolation.NOT_CHECKED;
    assertThat(isolation.get()).isEqualTo(Isolation.NOT_CHECKED);
  }
}
