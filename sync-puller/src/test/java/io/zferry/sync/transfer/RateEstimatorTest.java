package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateEstimatorTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final long MB = 1_000_000;

  private static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  @Test
  void steadyRateAndEta() {
    RateEstimator estimator = new RateEstimator(T0, 1000 * MB, Duration.ofSeconds(10));

    TransferProgress progress = estimator.update(at(2), 200 * MB);

    assertThat(progress.bytesDone()).isEqualTo(200 * MB);
    assertThat(progress.estimatedTotalBytes()).isEqualTo(1000 * MB);
    assertThat(progress.bytesPerSecond()).isCloseTo(100.0 * MB, within(1.0));
    assertThat(progress.eta()).contains(Duration.ofSeconds(8));
    assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(progress.fraction().getAsDouble()).isCloseTo(0.2, within(1e-9));
    assertThat(progress.finished()).isFalse();
  }

  @Test
  void rateLooksOnlyAtTheRecentWindow() {
    RateEstimator estimator =
        new RateEstimator(T0, TransferProgress.UNKNOWN, Duration.ofSeconds(10));
    // 10 MB/s for 20 s, then 100 MB/s.
    long done = 0;
    for (int s = 1; s <= 20; s++) {
      done += 10 * MB;
      estimator.update(at(s), done);
    }
    TransferProgress progress = null;
    for (int s = 21; s <= 35; s++) {
      done += 100 * MB;
      progress = estimator.update(at(s), done);
    }

    // Over the last 10 s only the fast phase counts; the overall average would be 47 MB/s.
    assertThat(progress.bytesPerSecond()).isCloseTo(100.0 * MB, within(1.0));
    assertThat(progress.eta()).isEmpty();
    assertThat(progress.fraction()).isEmpty();
  }

  @Test
  void windowBaselineIsTheNewestSampleAtOrBeforeTheCutoff() {
    RateEstimator estimator =
        new RateEstimator(T0, TransferProgress.UNKNOWN, Duration.ofSeconds(10));
    estimator.update(at(1), 0); // idle first second
    estimator.update(at(6), 50 * MB);

    // Window reaches back to t=2, so the baseline is the t=1 sample: 150 MB over 11 s.
    TransferProgress progress = estimator.update(at(12), 150 * MB);

    assertThat(progress.bytesPerSecond()).isCloseTo(150.0 * MB / 11, within(1.0));
  }

  @Test
  void aStallDrivesTheRateToZeroAndHidesTheEta() {
    RateEstimator estimator = new RateEstimator(T0, 100 * MB, Duration.ofSeconds(5));
    estimator.update(at(1), 10 * MB);

    TransferProgress progress = estimator.update(at(20), 10 * MB);

    assertThat(progress.bytesPerSecond()).isZero();
    assertThat(progress.eta()).isEmpty();
  }

  @Test
  void anExceededEstimateHasNoEta() {
    RateEstimator estimator = new RateEstimator(T0, 100 * MB, Duration.ofSeconds(5));

    TransferProgress progress = estimator.update(at(2), 150 * MB);

    assertThat(progress.eta()).isEmpty();
    assertThat(progress.fraction().getAsDouble()).isEqualTo(1.0);
  }

  @Test
  void noTimeNoRate() {
    RateEstimator estimator = new RateEstimator(T0, 100 * MB, Duration.ofSeconds(5));

    TransferProgress progress = estimator.update(T0, 5 * MB);

    assertThat(progress.bytesPerSecond()).isZero();
    assertThat(progress.eta()).isEmpty();
  }

  @Test
  void aClockSteppingBackDoesNotRunTimeBackwards() {
    RateEstimator estimator =
        new RateEstimator(T0, TransferProgress.UNKNOWN, Duration.ofSeconds(10));
    estimator.update(at(5), 50 * MB);

    TransferProgress progress = estimator.update(at(3), 60 * MB);

    assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(5));
    assertThat(progress.bytesPerSecond()).isCloseTo(12.0 * MB, within(1.0));
  }

  @Test
  void finishReportsTheOverallAverage() {
    RateEstimator estimator = new RateEstimator(T0, 300 * MB, Duration.ofSeconds(2));
    estimator.update(at(1), 250 * MB);

    TransferProgress progress = estimator.finish(at(4), 300 * MB);

    assertThat(progress.finished()).isTrue();
    assertThat(progress.bytesPerSecond()).isCloseTo(75.0 * MB, within(1.0));
    assertThat(progress.eta()).contains(Duration.ZERO);
    assertThat(progress.toString())
        .isEqualTo("300.0 MB of ~300.0 MB (100 %), 75.0 MB/s, 4.0 s elapsed, 0.0 s left, finished");
  }

  @Test
  void manyUpdatesKeepMemoryBounded() {
    RateEstimator estimator = new RateEstimator(T0, TransferProgress.UNKNOWN, Duration.ofHours(1));
    TransferProgress progress = null;
    for (int i = 1; i <= 100_000; i++) {
      progress = estimator.update(T0.plusMillis(i), i * 1000L);
    }
    // 1000 bytes per ms, whatever the sample cap kept.
    assertThat(progress.bytesPerSecond()).isCloseTo(1e6, within(1.0));
  }

  @Test
  void refusesAnEmptyWindow() {
    assertThatThrownBy(() -> new RateEstimator(T0, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
