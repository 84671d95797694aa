package io.zferry.service.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlCadenceTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private static Duration next(Duration apiSilentFor) {
    return ControlCadence.nextStepIn(apiSilentFor, INTERVAL, TIMEOUT);
  }

  private static Duration silentFor(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void aPeerThatJustAnsweredGetsOneStepPerInterval() {
    assertThat(next(silentFor(0))).isEqualTo(INTERVAL);
    assertThat(next(silentFor(1_999))).isEqualTo(INTERVAL);
  }

  @Test
  void stepsComeSoonerFromAnIntervalBeforeTheTimeoutToTwoAfterIt() {
    assertThat(next(silentFor(1_500)))
        .as("a late heartbeat, far from the timeout")
        .isEqualTo(INTERVAL);
    assertThat(next(silentFor(2_000))).isEqualTo(ControlCadence.WHILE_FALLING_SILENT);
    assertThat(next(silentFor(3_100))).isEqualTo(ControlCadence.WHILE_FALLING_SILENT);
    assertThat(next(silentFor(5_000))).isEqualTo(ControlCadence.WHILE_FALLING_SILENT);
    assertThat(next(silentFor(5_001))).as("down for long: the normal pace").isEqualTo(INTERVAL);
    assertThat(next(silentFor(3_600_000))).isEqualTo(INTERVAL);
  }

  @Test
  void aShortIntervalIsNeverStretched() {
    assertThat(ControlCadence.nextStepIn(silentFor(2_900), Duration.ofMillis(100), TIMEOUT))
        .isEqualTo(Duration.ofMillis(100));
  }
}
