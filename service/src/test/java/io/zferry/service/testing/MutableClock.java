package io.zferry.service.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand: {@link #advance} moves both the wall clock and the monotonic
 * {@link #nanoTime}, {@link #stepWall} only the wall clock, as NTP or an operator would.
 */
public final class MutableClock extends Clock {
  private volatile Instant now;
  private volatile long nanos;

  public MutableClock(Instant start) {
    this.now = start;
  }

  public void advance(Duration duration) {
    now = now.plus(duration);
    nanos += duration.toNanos();
  }

  /** A step of the wall clock alone (either way); monotonic time does not move. */
  public void stepWall(Duration step) {
    now = now.plus(step);
  }

  /** Monotonic time, for a {@code LongSupplier nanoTime}. */
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
