package io.zferry.snapshot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Notices that the wall clock stepped (an operator's {@code date -s}, a VM resumed, NTP stepping
 * instead of slewing) by comparing how far it moved with how far the monotonic clock moved since
 * the previous reading. Quartz fires on the wall clock, so after a step back its next round would
 * lie hours away; the scheduler uses the step to move its triggers. Pure: the readings are given.
 */
public final class ClockStepDetector {
  private final Duration tolerance;
  private Instant lastWall;
  private long lastMonotonicNanos;

  /**
   * @param tolerance the largest disagreement not counted as a step; it must exceed how late a
   *     reading can be taken (a busy machine, a GC pause between the two clock reads)
   */
  public ClockStepDetector(Duration tolerance) {
    if (tolerance.isNegative() || tolerance.isZero()) {
      throw new IllegalArgumentException("tolerance must be positive: " + tolerance);
    }
    this.tolerance = tolerance;
  }

  /**
   * Records a reading of both clocks.
   *
   * @return how far the wall clock stepped since the previous reading (negative: back), if it did
   *     by more than the tolerance
   */
  public synchronized Optional<Duration> observe(Instant wall, long monotonicNanos) {
    Objects.requireNonNull(wall, "wall");
    Instant previousWall = lastWall;
    long previousMonotonic = lastMonotonicNanos;
    lastWall = wall;
    lastMonotonicNanos = monotonicNanos;
    if (previousWall == null) {
      return Optional.empty();
    }
    Duration wallMoved = Duration.between(previousWall, wall);
    Duration monotonicMoved = Duration.ofNanos(monotonicNanos - previousMonotonic);
    Duration step = wallMoved.minus(monotonicMoved);
    return step.abs().compareTo(tolerance) > 0 ? Optional.of(step) : Optional.empty();
  }
}
