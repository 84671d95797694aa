package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LateEstimateTest {
  private final AtomicInteger asked = new AtomicInteger();

  private LateEstimate estimate(OptionalLong answer) {
    return new LateEstimate(
        () -> {
          asked.incrementAndGet();
          return answer;
        },
        Duration.ofSeconds(2),
        64_000_000,
        Runnable::run);
  }

  @Test
  void aShortSmallStreamIsNeverAskedAbout() {
    LateEstimate late = estimate(OptionalLong.of(9));

    late.onProgress(Duration.ofMillis(1999), 63_999_999);

    assertThat(asked).hasValue(0);
    assertThat(late.asked()).isFalse();
    assertThat(late.total()).isEqualTo(TransferProgress.UNKNOWN);
  }

  @Test
  void aLargeStreamIsAskedAboutOnce() {
    LateEstimate late = estimate(OptionalLong.of(900_000_000));

    late.onProgress(Duration.ofMillis(10), 64_000_000);
    late.onProgress(Duration.ofMillis(20), 65_000_000);

    assertThat(asked).hasValue(1);
    assertThat(late.total()).isEqualTo(900_000_000);
  }

  @Test
  void aLongStreamIsAskedAboutOnce() {
    LateEstimate late = estimate(OptionalLong.of(5_000));

    late.onProgress(Duration.ofSeconds(2), 1_000);
    late.onProgress(Duration.ofSeconds(3), 2_000);

    assertThat(asked).hasValue(1);
    assertThat(late.total()).isEqualTo(5_000);
  }

  @Test
  void noAnswerOrAFailureLeavesTheSizeUnknown() {
    LateEstimate none = estimate(OptionalLong.empty());
    none.onProgress(Duration.ofSeconds(5), 1);
    LateEstimate failing =
        new LateEstimate(
            () -> {
              throw new IllegalStateException("peer gone");
            },
            Duration.ZERO,
            0,
            Runnable::run);
    failing.onProgress(Duration.ZERO, 1);

    assertThat(none.asked()).isTrue();
    assertThat(none.total()).isEqualTo(TransferProgress.UNKNOWN);
    assertThat(failing.asked()).isTrue();
    assertThat(failing.total()).isEqualTo(TransferProgress.UNKNOWN);
  }
}
