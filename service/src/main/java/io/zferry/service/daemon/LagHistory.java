package io.zferry.service.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each service's lag sampled every {@link #EVERY} over the last {@link #SPAN}, in memory: the GUI
 * draws it as a chart. A restart starts an empty chart; the replication runs in the state store
 * remain the durable record.
 */
final class LagHistory {
  static final Duration EVERY = Duration.ofSeconds(30);
  // Soon after start, so a fresh chart is not empty for half a minute.
  static final Duration FIRST = Duration.ofSeconds(5);
  static final Duration SPAN = Duration.ofHours(24);
  private static final int MAX_SAMPLES = (int) (SPAN.toSeconds() / EVERY.toSeconds()) + 1;

  /**
   * @param lagSeconds null when the lag was unknown (no snapshot applied, peer silent)
   */
  record Sample(String at, Long lagSeconds) {}

  private final Clock clock;
  private final Map<String, Deque<Sample>> samples = new HashMap<>();

  LagHistory(Clock clock) {
    this.clock = clock;
  }

  synchronized void record(String service, Long lagSeconds) {
    Deque<Sample> list = samples.computeIfAbsent(service, s -> new ArrayDeque<>());
    list.addLast(new Sample(clock.instant().toString(), lagSeconds));
    while (list.size() > MAX_SAMPLES) {
      list.removeFirst();
    }
  }

  /** The samples of the last 24 hours, oldest first. */
  synchronized List<Sample> of(String service) {
    Instant since = clock.instant().minus(SPAN);
    return samples.getOrDefault(service, new ArrayDeque<>()).stream()
        .filter(s -> Instant.parse(s.at()).isAfter(since))
        .toList();
  }
}
