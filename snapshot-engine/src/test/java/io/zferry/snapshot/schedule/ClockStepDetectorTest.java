package io.zferry.snapshot.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClockStepDetectorTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final long SECOND = 1_000_000_000L;

  private final ClockStepDetector detector = new ClockStepDetector(Duration.ofSeconds(2));

  @Test
  void theFirstReadingIsNeverAStep() {
    assertThat(detector.observe(T0, 5 * SECOND)).isEmpty();
  }

  @Test
  void clocksMovingTogetherAreNoStep() {
    detector.observe(T0, 0);
    assertThat(detector.observe(T0.plusSeconds(1), SECOND)).isEmpty();
    assertThat(detector.observe(T0.plusSeconds(31), 31 * SECOND)).isEmpty();
  }

  @Test
  void aLateReadingWithinTheToleranceIsNoStep() {
    detector.observe(T0, 0);
    // The wall clock was read 1.5 s after the monotonic one: a pause, not a step.
    assertThat(detector.observe(T0.plusMillis(2500), SECOND)).isEmpty();
  }

  @Test
  void aStepBackIsReportedAsNegative() {
    detector.observe(T0, 0);
    assertThat(detector.observe(T0.minus(Duration.ofHours(1)).plusSeconds(1), SECOND))
        .hasValue(Duration.ofHours(-1));
  }

  @Test
  void aStepForwardIsReportedAsPositive() {
    detector.observe(T0, 0);
    assertThat(detector.observe(T0.plus(Duration.ofHours(1)).plusSeconds(1), SECOND))
        .hasValue(Duration.ofHours(1));
  }

  @Test
  void aStepIsReportedOnceAndTheNewTimeIsTheBaseAfterwards() {
    detector.observe(T0, 0);
    Instant stepped = T0.minus(Duration.ofHours(1));
    assertThat(detector.observe(stepped, SECOND)).isPresent();
    assertThat(detector.observe(stepped.plusSeconds(1), 2 * SECOND)).isEmpty();
  }

  @Test
  void aStoppedWallClockWhileTimePassesIsAStep() {
    detector.observe(T0, 0);
    assertThat(detector.observe(T0, 10 * SECOND)).hasValue(Duration.ofSeconds(-10));
  }

  @Test
  void theToleranceMustBePositive() {
    assertThatThrownBy(() -> new ClockStepDetector(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
