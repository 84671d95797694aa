package io.zferry.service.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailureRateLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final FailureRateLimiter limiter = FailureRateLimiter.withDefaults(clock);

  @Test
  void tenFailuresWithinAMinuteBlockTheAddressForFiveMinutes() {
    for (int i = 1; i <= 9; i++) {
      assertThat(limiter.recordFailure("10.0.0.1")).as("failure %d", i).isFalse();
      assertThat(limiter.blockedFor("10.0.0.1")).isEmpty();
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(limiter.recordFailure("10.0.0.1")).as("the 10th failure blocks").isTrue();

    assertThat(limiter.blockedFor("10.0.0.1")).contains(Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(4));
    assertThat(limiter.blockedFor("10.0.0.1")).contains(Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(1));
    assertThat(limiter.blockedFor("10.0.0.1")).isEmpty();
  }

  @Test
  void failuresWhileBlockedDoNotExtendTheBlockNorReportItAgain() {
    block("10.0.0.1");
    clock.advance(Duration.ofMinutes(2));
    assertThat(limiter.recordFailure("10.0.0.1")).isFalse();
    assertThat(limiter.blockedFor("10.0.0.1")).contains(Duration.ofMinutes(3));
  }

  @Test
  void afterABlockTheCountStartsAfresh() {
    block("10.0.0.1");
    clock.advance(Duration.ofMinutes(5));
    for (int i = 0; i < 9; i++) {
      assertThat(limiter.recordFailure("10.0.0.1")).isFalse();
    }
    assertThat(limiter.blockedFor("10.0.0.1")).isEmpty();
    assertThat(limiter.recordFailure("10.0.0.1")).isTrue();
  }

  @Test
  void failuresSpreadOverMoreThanTheWindowNeverBlock() {
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.recordFailure("10.0.0.1")).isFalse();
      clock.advance(Duration.ofSeconds(7)); // at most 9 in any minute
    }
    assertThat(limiter.blockedFor("10.0.0.1")).isEmpty();
  }

  @Test
  void addressesAreCountedApart() {
    block("10.0.0.1");
    assertThat(limiter.blockedFor("10.0.0.2")).isEmpty();
    for (int i = 0; i < 9; i++) {
      limiter.recordFailure("10.0.0.2");
    }
    assertThat(limiter.blockedFor("10.0.0.2")).isEmpty();
    assertThat(limiter.blockedFor("10.0.0.1")).isPresent();
  }

  @Test
  void memoryIsBoundedAndStaleAddressesGoFirst() {
    FailureRateLimiter small =
        new FailureRateLimiter(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 3, clock);
    small.recordFailure("old");
    clock.advance(Duration.ofMinutes(2));
    small.recordFailure("blocked");
    small.recordFailure("blocked");
    small.recordFailure("blocked");
    small.recordFailure("b");
    small.recordFailure("c");
    assertThat(small.trackedKeys()).isEqualTo(3);
    assertThat(small.blockedFor("blocked")).as("a recent block is kept").isPresent();
    for (int i = 0; i < 1000; i++) {
      small.recordFailure("spray-" + i);
    }
    assertThat(small.trackedKeys()).isEqualTo(3);
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(
            () -> new FailureRateLimiter(0, Duration.ofMinutes(1), Duration.ofMinutes(1), 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new FailureRateLimiter(1, Duration.ZERO, Duration.ofMinutes(1), 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void block(String address) {
    for (int i = 0; i < 10; i++) {
      limiter.recordFailure(address);
    }
    assertThat(limiter.blockedFor(address)).isPresent();
  }
}
