package io.zferry.service.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PromotionScoreTest {
  private static final Optional<Duration> SECONDS = Optional.of(Duration.ofSeconds(5));

  @Test
  void theOwnerScoresAboveEveryPassive() {
    int owner =
        PromotionScore.of(PacemakerIntent.STARTED, true, false, Optional.empty()).getAsInt();
    int freshest = PromotionScore.of(PacemakerIntent.STARTED, false, false, SECONDS).getAsInt();
    assertThat(owner).isGreaterThan(freshest);
  }

  @Test
  void aFresherCopyScoresHigherInCoarseSteps() {
    int fresh = score(Duration.ofSeconds(30));
    assertThat(score(Duration.ofSeconds(1))).as("seconds apart: no CIB churn").isEqualTo(fresh);
    assertThat(score(Duration.ofMinutes(5))).isLessThan(fresh);
    assertThat(score(Duration.ofMinutes(30))).isLessThan(score(Duration.ofMinutes(5)));
    assertThat(score(Duration.ofDays(2))).isLessThan(score(Duration.ofMinutes(30))).isPositive();
  }

  @Test
  void noCopyALockedCopyOrAStoppedInstanceAsksForNoPromotion() {
    assertThat(PromotionScore.of(PacemakerIntent.STARTED, false, false, Optional.empty()))
        .isEqualTo(OptionalInt.empty());
    assertThat(PromotionScore.of(PacemakerIntent.STARTED, false, true, SECONDS))
        .isEqualTo(OptionalInt.empty());
    assertThat(PromotionScore.of(PacemakerIntent.STOPPED, true, false, SECONDS))
        .isEqualTo(OptionalInt.empty());
  }

  @Test
  void anOwnerThatHasHeardNoOtherNodeSinceItStartedAsksForNoPromotion() {
    assertThat(PromotionScore.of(PacemakerIntent.STARTED, true, false, false, SECONDS)).isEmpty();
    assertThat(PromotionScore.of(PacemakerIntent.STARTED, true, true, false, SECONDS))
        .hasValue(PromotionScore.OWNER);
  }

  private static int score(Duration lag) {
    return PromotionScore.of(PacemakerIntent.STARTED, false, false, Optional.of(lag)).getAsInt();
  }
}
