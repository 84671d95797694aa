package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatAnswersTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T06:00:00Z"));
  private final HeartbeatAnswers answers = new HeartbeatAnswers(clock);

  @Test
  void aPeerNotYetReachedIsNoNewsAndItsFirstAnswerSaysHowLongItTook() {
    clock.advance(Duration.ofSeconds(3));
    assertThat(answers.unanswered("no connection (TCP and TLS) within 2000 ms")).isEmpty();
    clock.advance(Duration.ofSeconds(10));

    assertThat(answers.answered()).contains("answers heartbeats, 13s after this node began asking");
    assertThat(answers.answered()).isEmpty();
  }

  @Test
  void aSilenceIsSaidWhenItBeginsAndHowLongItLastedWhenItEnds() {
    answers.answered();
    clock.advance(Duration.ofSeconds(5));

    assertThat(answers.unanswered("connection refused"))
        .contains("stopped answering heartbeats: connection refused");
    clock.advance(Duration.ofSeconds(1));
    assertThat(answers.unanswered("timed out")).isEmpty();
    clock.advance(Duration.ofSeconds(41));

    assertThat(answers.answered()).contains("answers heartbeats again after 42s");
    assertThat(answers.answered()).isEmpty();
    assertThat(answers.unanswered("connection refused")).isPresent();
  }
}
