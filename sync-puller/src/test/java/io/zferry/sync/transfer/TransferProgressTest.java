package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransferProgressTest {

  @Test
  void withinTheEstimateTheShareIsShown() {
    TransferProgress progress =
        new TransferProgress(3_000, 6_000, 1_000, Optional.empty(), Duration.ofSeconds(3), false);

    assertThat(progress.toString()).startsWith("3.0 kB of ~6.0 kB (50 %)");
  }

  /**
   * zfs send -nP estimates the data blocks, not the stream's records (312 bytes each), so a small
   * incremental sends more than estimated: "5.3 kB of ~3.1 kB (100 %)" read as a fault.
   */
  @Test
  void beyondTheEstimateTheEstimateIsNamedAsSuch() {
    TransferProgress progress =
        new TransferProgress(5_256, 3_120, 1_000, Optional.empty(), Duration.ofSeconds(5), true);

    assertThat(progress.toString())
        .startsWith("5.3 kB (estimated ~3.1 kB)")
        .doesNotContain("of ~")
        .doesNotContain("%");
  }
}
