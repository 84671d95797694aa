package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThrottleTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void noLimitNeverPauses() {
    assertThat(Throttle.pauseNanos(10_000_000, 0, 0)).isZero();
    assertThat(Throttle.chunkSize(0, 256 * 1024)).isEqualTo(256 * 1024);
  }

  @Test
  void pausesUntilTheBytesAreDue() {
    // 1 MB at 1 MB/s is due after 1 s; 0.25 s have passed.
    assertThat(Throttle.pauseNanos(1_000_000, SECOND / 4, 1_000_000)).isEqualTo(3 * SECOND / 4);
  }

  @Test
  void behindScheduleDoesNotPause() {
    assertThat(Throttle.pauseNanos(1_000_000, 2 * SECOND, 1_000_000)).isZero();
  }

  @Test
  void largeCountsDoNotOverflow() {
    long tenTerabytes = 10_000_000_000_000L;
    // 10 TB at 100 MB/s is due after 100 000 s.
    assertThat(Throttle.pauseNanos(tenTerabytes, 0, 100_000_000)).isEqualTo(100_000 * SECOND);
  }

  @Test
  void limitedChunksAreASixteenthOfASecond() {
    assertThat(Throttle.chunkSize(1_600_000, 256 * 1024)).isEqualTo(100_000);
    assertThat(Throttle.chunkSize(1_000, 256 * 1024)).isEqualTo(Throttle.MIN_CHUNK);
    assertThat(Throttle.chunkSize(1_000_000_000, 256 * 1024)).isEqualTo(256 * 1024);
  }
}
