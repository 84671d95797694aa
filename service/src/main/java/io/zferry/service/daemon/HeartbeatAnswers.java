package io.zferry.service.daemon;

import io.zferry.service.config.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the peer's API began or stopped answering heartbeats, told once per change: the journal says
 * when a restarted peer was first reached and how long a silence lasted, without a line per beat.
 */
final class HeartbeatAnswers {
  private final Clock clock;
  private final Instant askingSince;
  private boolean everAnswered;
  private Instant silentSince; // null while the peer answers, or before it ever did

  HeartbeatAnswers(Clock clock) {
    this.clock = clock;
    this.askingSince = clock.instant();
  }

  /** The peer answered; what to say about it, if this is news. */
  synchronized Optional<String> answered() {
    Instant now = clock.instant();
    if (!everAnswered) {
      everAnswered = true;
      return Optional.of(
          "answers heartbeats, "
              + DurationText.format(since(askingSince, now))
              + " after this node began asking");
    }
    if (silentSince != null) {
      Duration silent = since(silentSince, now);
      silentSince = null;
      return Optional.of("answers heartbeats again after " + DurationText.format(silent));
    }
    return Optional.empty();
  }

  /** The peer did not answer; what to say about it, if this is news. */
  synchronized Optional<String> unanswered(String reason) {
    if (!everAnswered || silentSince != null) {
      return Optional.empty();
    }
    silentSince = clock.instant();
    return Optional.of("stopped answering heartbeats: " + reason);
  }

  private static Duration since(Instant from, Instant now) {
    Duration elapsed = Duration.between(from, now);
    // Whole seconds: a log line, not a measurement; and never negative on a stepped clock.
    return elapsed.isNegative() ? Duration.ZERO : Duration.ofSeconds(elapsed.toSeconds());
  }
}
