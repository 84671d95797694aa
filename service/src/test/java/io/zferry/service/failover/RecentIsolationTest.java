package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecentIsolationTest {
  /** A monotonic ticker in nanoseconds; a negative start, as System.nanoTime may give. */
  private long nanos = -5_000_000_000L;

  private Isolation pinged = Isolation.CONNECTED;

  private final RecentIsolation isolation =
      new RecentIsolation(() -> pinged, () -> nanos, Duration.ofSeconds(10));

  private void elapse(Duration d) {
    nanos += d.toNanos();
  }

  @Test
  void aConnectedNodeThatWasNeverCutOffIsConnected() {
    assertThat(isolation.get()).isEqualTo(Isolation.CONNECTED);
  }

  @Test
  void aNodeStaysIsolatedForATimeoutAfterItsPingTargetsAnswerAgain() {
    pinged = Isolation.ISOLATED;
    assertThat(isolation.get()).isEqualTo(Isolation.ISOLATED);

    pinged = Isolation.CONNECTED;
    elapse(Duration.ofSeconds(1));
    assertThat(isolation.get()).as("the link just came back").isEqualTo(Isolation.ISOLATED);
    elapse(Duration.ofSeconds(9));
    assertThat(isolation.get()).isEqualTo(Isolation.CONNECTED);
  }

  @Test
  void withoutPingTargetsNothingIsRemembered() {
    pinged = Isolation.NOT_CHECKED;
    assertThat(isolation.get()).isEqualTo(Isolation.NOT_CHECKED);
  }
}
