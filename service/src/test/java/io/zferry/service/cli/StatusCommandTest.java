package io.zferry.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.StatusViews.TransferView;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

  @Test
  void aTransferWithinItsEstimateShowsTheEstimateAsItsTotal() {
    assertThat(StatusCommand.estimate(transfer(1_000, 3_120L))).isEqualTo(" of ~3120");
  }

  /** Seen on OpenZFS 2.1: "5256 bytes of ~3120" (zfs send -nP leaves out the stream's records). */
  @Test
  void aTransferBeyondItsEstimateNamesTheEstimateAsSuch() {
    assertThat(StatusCommand.estimate(transfer(5_256, 3_120L))).isEqualTo(" (estimated ~3120)");
  }

  @Test
  void withoutAnEstimateNothingIsAdded() {
    assertThat(StatusCommand.estimate(transfer(5_256, null))).isEmpty();
  }

  private static TransferView transfer(long done, Long estimate) {
    return new TransferView("tank", "incremental", done, estimate, 1e6, null, false);
  }
}
