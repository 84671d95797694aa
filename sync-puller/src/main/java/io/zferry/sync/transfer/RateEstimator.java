package io.zferry.sync.transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Turns (time, bytes done) observations into {@link TransferProgress}: the rate over a sliding
 * window (so a slow start or a pause long ago does not distort it) and the time left. Pure: the
 * caller supplies every instant, so tests need no clock and no I/O. Not thread-safe; one transfer
 * owns one estimator.
 */
public final class RateEstimator {
  /** A sample count far above what one report per second over the window needs. */
  private static final int MAX_SAMPLES = 256;

  private final Instant start;
  private long estimatedTotalBytes;
  private final Duration window;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  private record Sample(Instant at, long bytes) {}

  /**
   * @param start when the transfer started
   * @param estimatedTotalBytes expected size, or {@link TransferProgress#UNKNOWN}
   * @param window how far back the rate looks
   */
  public RateEstimator(Instant start, long estimatedTotalBytes, Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("rate window must be positive, got " + window);
    }
    this.start = start;
    this.estimatedTotalBytes =
        estimatedTotalBytes < 0 ? TransferProgress.UNKNOWN : estimatedTotalBytes;
    this.window = window;
    samples.add(new Sample(start, 0));
  }

  /** An expected size that arrived while the transfer runs ({@link LateEstimate}). */
  public void learnTotal(long bytes) {
    if (bytes >= 0) {
      estimatedTotalBytes = bytes;
    }
  }

  /** Records an observation and returns the progress it implies. */
  public TransferProgress update(Instant now, long bytesDone) {
    Instant at = notBeforeLastSample(now);
    samples.addLast(new Sample(at, bytesDone));
    Instant cutoff = at.minus(window);
    // Keep the newest sample at or before the cutoff as the baseline, drop the older ones.
    while (samples.size() > 2 && !secondOldest().at().isAfter(cutoff)) {
      samples.removeFirst();
    }
    while (samples.size() > MAX_SAMPLES) {
      samples.removeFirst();
    }
    Sample baseline = samples.peekFirst();
    double rate = perSecond(bytesDone - baseline.bytes(), Duration.between(baseline.at(), at));
    return new TransferProgress(
        bytesDone, estimatedTotalBytes, rate, eta(bytesDone, rate), elapsed(at), false);
  }

  /** The final report: the average rate over the whole transfer, nothing left. */
  public TransferProgress finish(Instant now, long bytesDone) {
    Instant at = notBeforeLastSample(now);
    Duration elapsed = elapsed(at);
    return new TransferProgress(
        bytesDone,
        estimatedTotalBytes,
        perSecond(bytesDone, elapsed),
        Optional.of(Duration.ZERO),
        elapsed,
        true);
  }

  private Sample secondOldest() {
    var iterator = samples.iterator();
    iterator.next();
    return iterator.next();
  }

  /** A wall clock may step back (NTP); time never runs backwards for the estimate. */
  private Instant notBeforeLastSample(Instant now) {
    Instant last = samples.peekLast().at();
    return now.isBefore(last) ? last : now;
  }

  private Duration elapsed(Instant at) {
    return Duration.between(start, at);
  }

  private Optional<Duration> eta(long bytesDone, double rate) {
    long remaining = estimatedTotalBytes - bytesDone;
    if (estimatedTotalBytes < 0 || remaining < 0 || rate <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) Math.ceil(remaining / rate * 1000)));
  }

  private static double perSecond(long bytes, Duration over) {
    long nanos = over.toNanos();
    return nanos <= 0 ? 0.0 : bytes * 1e9 / nanos;
  }
}
